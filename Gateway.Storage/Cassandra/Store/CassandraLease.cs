namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// The write lease: the row every config and audit writer of every node takes with a lightweight transaction (IF NOT
/// EXISTS, with a TTL so that a crashed node cannot hold it) before it writes, the role PostgreSQL's advisory lock plays.
/// </summary>
internal sealed class CassandraLease : IAsyncDisposable
{
    private const int Seconds = 30;

    private readonly CassandraSession _session;
    private readonly Guid _owner = Guid.NewGuid();
    private bool _held = true;

    private CassandraLease(CassandraSession session) => _session = session;

    /// <summary>Takes the lease, retrying until the store's timeout.</summary>
    /// <exception cref="TimeoutException">Another writer held it all that time.</exception>
    public static async Task<CassandraLease> TakeAsync(CassandraSession session, CancellationToken cancellationToken)
    {
        var lease = new CassandraLease(session);
        var deadline = DateTimeOffset.UtcNow + session.Settings.Timeout;
        while (true)
        {
            var (applied, rows) = await session.ConditionalAsync(
                $"INSERT INTO {session.Keyspace}.locks (name, owner) VALUES ('config', ?) IF NOT EXISTS USING TTL {Seconds}",
                [lease._owner],
                cancellationToken);
            if (applied)
            {
                return lease;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                var holder = rows.IndexOf("owner") is var i and >= 0 ? rows.Rows[0][i] : null;
                throw new TimeoutException($"the config write lock is held by writer {holder}; gave up after {session.Settings.Timeout.TotalMilliseconds:0} ms");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>Gives the lease back (once; later calls do nothing).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_held)
        {
            await _session.ConditionalAsync($"DELETE FROM {_session.Keyspace}.locks WHERE name = 'config' IF owner = ?", [_owner], cancellationToken);
            _held = false;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => new(ReleaseAsync(CancellationToken.None));
}
