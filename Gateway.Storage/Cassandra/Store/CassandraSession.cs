using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// The store's statements on a <see cref="CqlCluster"/>: keyspace-qualified names, rows and LWT outcomes, at
/// cassandra_consistency. Availability failures leave as <see cref="CassandraUnavailableException"/>.
/// </summary>
internal sealed class CassandraSession(CqlCluster cluster, CassandraSettings settings)
{
    public CqlCluster Cluster { get; } = cluster;

    public CassandraSettings Settings { get; } = settings;

    /// <summary>The quoted keyspace, to prefix table names with.</summary>
    public string Keyspace { get; } = CassandraKeyspace.Quote(settings.Keyspace);

    /// <summary>Runs a statement; the result, which may be a Void.</summary>
    public Task<CqlResponse> RunAsync(string cql, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        GuardAsync(() => Cluster.ExecuteAsync(cql, values, new CqlStatementOptions { Consistency = Settings.Consistency }, cancellationToken));

    /// <summary>Every row of a SELECT, following pages.</summary>
    public async Task<CqlRowsResult> RowsAsync(string cql, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        var response = await RunAsync(cql, values, cancellationToken);
        return response as CqlRowsResult ?? throw new CqlProtocolException($"expected rows from: {cql}");
    }

    /// <summary>Every row of a SELECT, fetched <paramref name="pageSize"/> at a time.</summary>
    public Task<IReadOnlyList<object?[]>> AllPagesAsync(string cql, IReadOnlyList<object?> values, int pageSize, CancellationToken cancellationToken) =>
        GuardAsync(() => Cluster.ExecuteAllPagesAsync(
            cql, values, new CqlStatementOptions { Consistency = Settings.Consistency, PageSize = pageSize }, cancellationToken));

    /// <summary>Runs the statements as one logged batch: Cassandra applies all of them or none.</summary>
    public Task<CqlResponse> LoggedBatchAsync(IReadOnlyList<(string Cql, IReadOnlyList<object?> Values)> statements, CancellationToken cancellationToken) =>
        GuardAsync(() => Cluster.BatchAsync(CqlBatchType.Logged, statements, new CqlStatementOptions { Consistency = Settings.Consistency }, cancellationToken));

    /// <summary>Runs a statement with IF; whether it applied, and the existing row's cells when it did not.</summary>
    public async Task<(bool Applied, CqlRowsResult Rows)> ConditionalAsync(string cql, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        var response = await GuardAsync(() => Cluster.ExecuteAsync(
            cql,
            values,
            new CqlStatementOptions { Consistency = Settings.Consistency, SerialConsistency = Settings.SerialConsistency },
            cancellationToken));
        var rows = response as CqlRowsResult ?? throw new CqlProtocolException($"a conditional statement returned no [applied] row: {cql}");
        return (rows.Rows.Count > 0 && rows.Rows[0][rows.IndexOf("[applied]")] is true, rows);
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (CqlException e) when (CassandraFailures.IsUnavailable(e))
        {
            throw new CassandraUnavailableException(e);
        }
    }
}
