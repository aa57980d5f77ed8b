using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Store;

namespace Gateway.Storage.Migrations;

/// <summary><see cref="CassandraMigrations"/> on one cluster connection (which the caller owns).</summary>
public sealed class CassandraMigrationRunner(CqlCluster cluster, CassandraSettings settings) : IMigrationRunner
{
    /// <inheritdoc/>
    public Task<MigrationState> GetStateAsync(CancellationToken cancellationToken = default) =>
        CassandraMigrations.GetStateAsync(cluster, settings, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> UpAsync(CancellationToken cancellationToken = default) =>
        CassandraMigrations.UpAsync(cluster, settings, cancellationToken);

    /// <inheritdoc/>
    public bool IsUnreachable(Exception error) => CassandraFailures.IsUnavailable(error);
}
