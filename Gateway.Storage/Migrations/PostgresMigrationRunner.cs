using Npgsql;

namespace Gateway.Storage.Migrations;

/// <summary><see cref="PostgresMigrations"/> on one data source (which the caller owns).</summary>
public sealed class PostgresMigrationRunner(NpgsqlDataSource dataSource) : IMigrationRunner
{
    /// <inheritdoc/>
    public Task<MigrationState> GetStateAsync(CancellationToken cancellationToken = default) =>
        PostgresMigrations.GetStateAsync(dataSource, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> UpAsync(CancellationToken cancellationToken = default) =>
        PostgresMigrations.UpAsync(dataSource, cancellationToken);

    /// <inheritdoc/>
    public bool IsUnreachable(Exception error) => error is NpgsqlException;
}
