using Gateway.Storage.Postgres;
using Npgsql;

namespace Gateway.Storage.Migrations;

/// <summary>
/// The PostgreSQL schema, as an ordered list of migrations recorded in <c>schema_migrations</c>.
/// Every node of a cluster runs the same list; runners serialise on an advisory lock so two
/// operators running <c>migrations up</c> at once apply each migration once.
/// </summary>
public static class PostgresMigrations
{
    /// <summary>Every migration this build knows, in the order they apply.</summary>
    public static readonly IReadOnlyList<Migration> All =
    [
        new("000_base", PostgresTables.Create),
        new("001_orleans_clustering", OrleansClusteringTables.Create),
        new("002_audit_log", PostgresAuditTables.Create),
    ];

    /// <summary>Arbitrary, fixed: the advisory lock key migration runners share.</summary>
    private const long LockKey = 7946_0002;

    private const string CreateLog = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            name        TEXT PRIMARY KEY,
            executed_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """;

    /// <summary>Which migrations the database has and which it lacks.</summary>
    public static async Task<MigrationState> GetStateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var executed = await ExecutedAsync(connection, null, cancellationToken);
        return new MigrationState(executed, [.. All.Select(m => m.Name).Where(n => !executed.Contains(n))]);
    }

    /// <summary>Applies every pending migration, each in its own transaction; returns the names applied.</summary>
    public static async Task<IReadOnlyList<string>> UpAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = PostgresCommands.Create(connection, null, CreateLog))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new List<string>();
        foreach (var migration in All)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCommand = PostgresCommands.Create(connection, transaction, "SELECT pg_advisory_xact_lock($1)", LockKey))
            {
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            // Read under the lock: another runner may have applied it while this one waited.
            if ((await ExecutedAsync(connection, transaction, cancellationToken)).Contains(migration.Name))
            {
                continue;
            }

            await using (var run = PostgresCommands.Create(connection, transaction, migration.Sql))
            {
                await run.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = PostgresCommands.Create(connection, transaction, "INSERT INTO schema_migrations (name) VALUES ($1)", migration.Name))
            {
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration.Name);
        }

        return applied;
    }

    private static async Task<List<string>> ExecutedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        // to_regclass follows search_path, so a per-test schema sees only its own log.
        await using var exists = PostgresCommands.Create(connection, transaction, "SELECT to_regclass('schema_migrations') IS NOT NULL");
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return [];
        }

        await using var command = PostgresCommands.Create(connection, transaction, "SELECT name FROM schema_migrations ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
