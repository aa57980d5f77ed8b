using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Cassandra.Store;

namespace Gateway.Storage.Migrations;

/// <summary>
/// The Cassandra schema, as an ordered list of migrations recorded in the keyspace's <c>schema_migrations</c> table.
/// Bootstrap creates the keyspace from cassandra_repl_strategy, cassandra_repl_factor and cassandra_data_centers.
/// Cassandra has no advisory lock, so every statement is idempotent (IF NOT EXISTS) and a migration is recorded with
/// IF NOT EXISTS: two runners at once both succeed, and each migration is reported applied by one of them.
/// The client waits for schema agreement after every statement that changed the schema.
/// </summary>
public static class CassandraMigrations
{
    /// <summary>The migration log's table name.</summary>
    public const string LogTable = "schema_migrations";

    /// <summary>Every migration this build knows, in the order they apply.</summary>
    public static readonly IReadOnlyList<CassandraMigration> All =
    [
        new("000_base", keyspace =>
        [
            .. CassandraTables.Create(keyspace),
            CassandraMembershipSchema.CreateTable($"{keyspace}.{CassandraMembershipSchema.DefaultTable}"),
            $"INSERT INTO {keyspace}.config_version (singleton, version) VALUES (1, 0) IF NOT EXISTS",
        ]),
        new("001_audit", CassandraAuditTables.Create),
    ];

    /// <summary>Which migrations the keyspace has and which it lacks; a missing keyspace has none.</summary>
    public static async Task<MigrationState> GetStateAsync(CqlCluster cluster, CassandraSettings settings, CancellationToken cancellationToken = default)
    {
        var executed = await ExecutedAsync(cluster, settings, cancellationToken);
        return new MigrationState(executed, [.. All.Select(m => m.Name).Where(n => !executed.Contains(n))]);
    }

    /// <summary>Creates the keyspace and the log when missing, then applies every pending migration; returns the names applied.</summary>
    /// <exception cref="ArgumentException">The replication settings cannot make a keyspace.</exception>
    public static async Task<IReadOnlyList<string>> UpAsync(CqlCluster cluster, CassandraSettings settings, CancellationToken cancellationToken = default)
    {
        var options = Options(settings);
        var keyspace = CassandraKeyspace.Quote(settings.Keyspace);
        await cluster.QueryAsync(CassandraKeyspace.CreateStatement(settings), options: options, cancellationToken: cancellationToken);
        await cluster.QueryAsync(
            $"CREATE TABLE IF NOT EXISTS {keyspace}.{LogTable} (name text PRIMARY KEY, executed_at timestamp)", options: options, cancellationToken: cancellationToken);

        var executed = await ExecutedAsync(cluster, settings, cancellationToken);
        var applied = new List<string>();
        foreach (var migration in All.Where(m => !executed.Contains(m.Name)))
        {
            foreach (var statement in migration.Statements(keyspace))
            {
                await cluster.QueryAsync(statement, options: options, cancellationToken: cancellationToken);
            }

            var recorded = await cluster.ExecuteAsync(
                $"INSERT INTO {keyspace}.{LogTable} (name, executed_at) VALUES (?, ?) IF NOT EXISTS",
                [migration.Name, DateTimeOffset.UtcNow],
                options,
                cancellationToken);
            // Another runner recorded it first: it reports the migration, this one does not.
            if (recorded is CqlRowsResult { Rows.Count: > 0 } rows && rows.Rows[0][rows.IndexOf("[applied]")] is true)
            {
                applied.Add(migration.Name);
            }
        }

        return applied;
    }

    private static CqlStatementOptions Options(CassandraSettings settings) =>
        new() { Consistency = settings.Consistency, SerialConsistency = settings.SerialConsistency };

    private static async Task<List<string>> ExecutedAsync(CqlCluster cluster, CassandraSettings settings, CancellationToken cancellationToken)
    {
        // system_schema is local to every node: ONE is always satisfiable there.
        var tables = await cluster.ExecuteAllPagesAsync(
            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
            [settings.Keyspace],
            new CqlStatementOptions { Consistency = CqlConsistency.One },
            cancellationToken);
        if (!tables.Any(t => (string?)t[0] == LogTable))
        {
            return [];
        }

        var rows = await cluster.ExecuteAllPagesAsync(
            $"SELECT name FROM {CassandraKeyspace.Quote(settings.Keyspace)}.{LogTable}",
            [],
            new CqlStatementOptions { Consistency = settings.Consistency },
            cancellationToken);
        return [.. rows.Select(r => (string)r[0]!).Order(StringComparer.Ordinal)];
    }
}
