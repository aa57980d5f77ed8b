using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// One config write on Cassandra, run by <see cref="StoreWrites"/>. Cassandra has no multi-partition transactions, so
/// every writer of every node (and <c>config db_import</c>, and any other cluster on the keyspace) first takes a lease
/// row with a lightweight transaction (IF NOT EXISTS, with a TTL so a crashed node cannot hold it): the one point they
/// all pass, the role PostgreSQL's advisory lock plays. Unique keys are still claimed with IF NOT EXISTS, and the config
/// version moves by compare-and-set, so a lease that expired mid-write cannot produce a duplicate key or version.
/// Without a rollback, a refused write gives back the keys it claimed when it is disposed.
/// </summary>
internal sealed class CassandraWrite : IWriteSession
{
    private const int LeaseSeconds = 30;

    private readonly CassandraSession _session;
    private readonly TimeProvider _time;
    private readonly Guid _owner = Guid.NewGuid();

    /// <summary>Keys claimed for a row not stored yet: given back unless the row is stored.</summary>
    private readonly List<(string Entity, UniqueKey Key, string Id)> _claimed = [];
    private bool _leaseHeld = true;

    private CassandraWrite(CassandraSession session, TimeProvider time)
    {
        _session = session;
        _time = time;
    }

    private string Ks => _session.Keyspace;

    /// <summary>Takes the write lease, retrying until the store's timeout.</summary>
    public static async Task<CassandraWrite> BeginAsync(CassandraSession session, TimeProvider time, CancellationToken cancellationToken)
    {
        var write = new CassandraWrite(session, time);
        var deadline = DateTimeOffset.UtcNow + session.Settings.Timeout;
        while (true)
        {
            var (applied, rows) = await session.ConditionalAsync(
                $"INSERT INTO {session.Keyspace}.locks (name, owner) VALUES ('config', ?) IF NOT EXISTS USING TTL {LeaseSeconds}",
                [write._owner],
                cancellationToken);
            if (applied)
            {
                return write;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                var holder = rows.IndexOf("owner") is var i and >= 0 ? rows.Rows[0][i] : null;
                throw new TimeoutException($"the config write lock is held by writer {holder}; gave up after {session.Settings.Timeout.TotalMilliseconds:0} ms");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    /// <summary>Never: the audit log is not kept on Cassandra yet (start-up refuses audit_log = on with database = cassandra).</summary>
    public bool Audited => false;

    /// <inheritdoc/>
    public Task<JsonObject?> ReadAsync(string entity, string id, CancellationToken cancellationToken) => GetAsync(entity, id, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(string entity, string id, CancellationToken cancellationToken) => await GetAsync(entity, id, cancellationToken) is not null;

    /// <summary>Claims the key with IF NOT EXISTS; true when this write got it or the row already had it.</summary>
    public async Task<bool> TakeUniqueKeyAsync(string entity, UniqueKey key, string id, CancellationToken cancellationToken)
    {
        var (applied, rows) = await _session.ConditionalAsync(
            $"INSERT INTO {Ks}.unique_keys (entity, key, value, id) VALUES (?, ?, ?, ?) IF NOT EXISTS",
            [entity, key.Key, key.Value, id],
            cancellationToken);
        if (applied)
        {
            _claimed.Add((entity, key, id));
            return true;
        }
        return rows.Rows[0][rows.IndexOf("id")] as string == id;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ReferencingAsync(string childEntity, string field, string parentEntity, string parentId, CancellationToken cancellationToken)
    {
        var rows = await _session.RowsAsync(
            $"SELECT id FROM {Ks}.refs_by_target WHERE ref_entity = ? AND ref_id = ? AND entity = ? AND field = ?",
            [parentEntity, parentId, childEntity, field],
            cancellationToken);
        return rows.Rows.Select(r => (string)r[0]!).ToList();
    }

    /// <summary>Stores the row in place of the stored one: its keys are claimed already; the old row's other keys and index rows go.</summary>
    public async Task StoreAsync(EntitySchema schema, string id, JsonObject row, bool exists, CancellationToken cancellationToken)
    {
        // The claimed keys are the row's from here on.
        _claimed.Clear();
        var uniqueKeys = EntityKeys.UniqueKeys(schema, row);
        var references = EntityKeys.References(schema, row);
        var newRefs = references.Select(r => (r.Field, r.RefEntity, r.RefId)).ToHashSet();
        var newTags = EntityKeys.Tags(row).ToHashSet(StringComparer.Ordinal);
        if (exists && await GetAsync(schema.Name, id, cancellationToken) is { } old)
        {
            var kept = uniqueKeys.Select(k => (k.Key, k.Value)).ToHashSet();
            foreach (var key in EntityKeys.UniqueKeys(schema, old).Where(k => !kept.Contains((k.Key, k.Value))))
            {
                await ReleaseKeyAsync(schema.Name, key, id, cancellationToken);
            }
            // Only rows that go away are deleted: a delete and re-insert of one row could tie on timestamp, and the tombstone would win.
            await RemoveIndexesAsync(
                schema,
                id,
                EntityKeys.References(schema, old).Where(r => !newRefs.Contains((r.Field, r.RefEntity, r.RefId))),
                EntityKeys.Tags(old).Where(t => !newTags.Contains(t)),
                cancellationToken);
        }

        await _session.RunAsync(
            $"INSERT INTO {Ks}.entities (entity, id, body) VALUES (?, ?, ?)",
            [schema.Name, id, row.ToJsonString(EntityKeys.JsonOptions)],
            cancellationToken);
        foreach (var reference in references)
        {
            await _session.RunAsync(
                $"INSERT INTO {Ks}.refs_by_target (ref_entity, ref_id, entity, field, id) VALUES (?, ?, ?, ?, ?)",
                [reference.RefEntity, reference.RefId, schema.Name, reference.Field, id],
                cancellationToken);
        }
        foreach (var tag in newTags)
        {
            await _session.RunAsync($"INSERT INTO {Ks}.tags (bucket, tag, entity, id) VALUES (0, ?, ?, ?)", [tag, schema.Name, id], cancellationToken);
        }
    }

    /// <summary>Gives back the row's keys, removes its index rows, then the row.</summary>
    public async Task RemoveAsync(EntitySchema schema, string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(schema.Name, id, cancellationToken) is { } old)
        {
            foreach (var key in EntityKeys.UniqueKeys(schema, old))
            {
                await ReleaseKeyAsync(schema.Name, key, id, cancellationToken);
            }
            await RemoveIndexesAsync(schema, id, EntityKeys.References(schema, old), EntityKeys.Tags(old), cancellationToken);
        }
        await _session.RunAsync($"DELETE FROM {Ks}.entities WHERE entity = ? AND id = ?", [schema.Name, id], cancellationToken);
    }

    /// <summary>Moves the version by compare-and-set and logs the changes (not for a runtime write), then gives the lease back.</summary>
    public async Task<long> CommitAsync(IReadOnlyList<EntityChange> changes, bool runtime, CancellationToken cancellationToken)
    {
        if (runtime)
        {
            await ReleaseLeaseAsync(cancellationToken);
            return 0;
        }

        var current = await CurrentVersionAsync(_session, cancellationToken);
        var (applied, _) = await _session.ConditionalAsync(
            $"UPDATE {Ks}.config_version SET version = ? WHERE singleton = 1 IF version = ?",
            [current + 1, current],
            cancellationToken);
        if (!applied)
        {
            throw new InvalidOperationException($"config version {current} moved during a write: the write lease expired");
        }
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var seq = 0; seq < changes.Count; seq++)
        {
            var change = changes[seq];
            await _session.RunAsync(
                $"INSERT INTO {Ks}.change_log (bucket, version, seq, entity, id, kind, at) VALUES (0, ?, ?, ?, ?, ?, ?)",
                [current + 1, seq, change.Entity, change.Id, change.Kind == ChangeKind.Delete ? "delete" : "upsert", at],
                cancellationToken);
        }
        await ReleaseLeaseAsync(cancellationToken);
        return current + 1;
    }

    /// <summary>Gives back the keys a refused row claimed, and the lease unless the commit did.</summary>
    public async ValueTask DisposeAsync()
    {
        // Cassandra cannot roll back: the claims of a row that was never stored are undone one by one.
        foreach (var (entity, key, id) in _claimed)
        {
            await ReleaseKeyAsync(entity, key, id, CancellationToken.None);
        }
        _claimed.Clear();
        if (_leaseHeld)
        {
            await ReleaseLeaseAsync(CancellationToken.None);
        }
    }

    /// <summary>The stored config version.</summary>
    public static async Task<long> CurrentVersionAsync(CassandraSession session, CancellationToken cancellationToken)
    {
        var rows = await session.RowsAsync($"SELECT version FROM {session.Keyspace}.config_version WHERE singleton = 1", [], cancellationToken);
        return rows.Rows.Count == 0 ? 0 : (long)rows.Rows[0][0]!;
    }

    private async Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken)
    {
        var rows = await _session.RowsAsync($"SELECT body FROM {Ks}.entities WHERE entity = ? AND id = ?", [entity, id], cancellationToken);
        return rows.Rows.Count == 0 ? null : JsonNode.Parse((string)rows.Rows[0][0]!)!.AsObject();
    }

    private async Task ReleaseLeaseAsync(CancellationToken cancellationToken)
    {
        await _session.ConditionalAsync($"DELETE FROM {Ks}.locks WHERE name = 'config' IF owner = ?", [_owner], cancellationToken);
        _leaseHeld = false;
    }

    private Task ReleaseKeyAsync(string entity, UniqueKey key, string id, CancellationToken cancellationToken) =>
        _session.ConditionalAsync($"DELETE FROM {Ks}.unique_keys WHERE entity = ? AND key = ? AND value = ? IF id = ?", [entity, key.Key, key.Value, id], cancellationToken);

    private async Task RemoveIndexesAsync(EntitySchema schema, string id, IEnumerable<ForeignRef> references, IEnumerable<string> tags, CancellationToken cancellationToken)
    {
        foreach (var reference in references)
        {
            await _session.RunAsync(
                $"DELETE FROM {Ks}.refs_by_target WHERE ref_entity = ? AND ref_id = ? AND entity = ? AND field = ? AND id = ?",
                [reference.RefEntity, reference.RefId, schema.Name, reference.Field, id],
                cancellationToken);
        }
        foreach (var tag in tags)
        {
            await _session.RunAsync($"DELETE FROM {Ks}.tags WHERE bucket = 0 AND tag = ? AND entity = ? AND id = ?", [tag, schema.Name, id], cancellationToken);
        }
    }
}
