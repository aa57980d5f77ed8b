using Gateway.Storage.Postgres;
using Gateway.Tests.Support;
using Npgsql;

namespace Gateway.Tests.Node.Cli;

/// <summary><c>gateway migrations bootstrap|up|list</c> and <c>start</c>'s refusals, run as the real executable against a fresh database.</summary>
public sealed class PostgresMigrationCommandTests : IAsyncLifetime
{
    private readonly List<string> _prefixes = [];
    private PostgresSettings _database = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateDatabaseAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var prefix in _prefixes.Where(Directory.Exists))
        {
            Directory.Delete(prefix, recursive: true);
        }

        await PostgresTestDatabase.DropDatabaseAsync(_database.Database);
    }

    [Fact]
    public async Task EmptyDatabase_StartRefuses_ListSays3_UpRefuses_BootstrapCreatesEverything()
    {
        var start = await RunAsync(StartArguments());
        Assert.NotEqual(0, start.ExitCode);
        Assert.Equal(
            [$"gateway: the database (PostgreSQL at {_database.Host}:{_database.Port}/{_database.Database}) is empty: run 'gateway migrations bootstrap'"],
            start.Stderr);

        var list = await RunAsync("migrations", "list");
        Assert.Equal(3, list.ExitCode);
        Assert.Equal(
            [
                "executed migrations: (none)",
                "pending migrations: 000_base, 001_orleans_clustering, 002_audit_log",
                "database needs bootstrap: run 'gateway migrations bootstrap'",
            ],
            list.Stdout);

        var up = await RunAsync("migrations", "up");
        Assert.Equal(1, up.ExitCode);
        Assert.Equal(["gateway: database is empty: run 'gateway migrations bootstrap' first"], up.Stderr);

        var bootstrap = await RunAsync("migrations", "bootstrap");
        Assert.Equal(0, bootstrap.ExitCode);
        Assert.Equal(["database bootstrapped: 000_base, 001_orleans_clustering, 002_audit_log"], bootstrap.Stdout);

        var again = await RunAsync("migrations", "bootstrap");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(["database is already bootstrapped"], again.Stdout);

        var current = await RunAsync("migrations", "list");
        Assert.Equal(0, current.ExitCode);
        Assert.Equal("database is up to date", current.Stdout[^1]);
    }

    [Fact]
    public async Task PendingMigration_StartRefuses_ListSays5_UpAppliesIt()
    {
        Assert.Equal(0, (await RunAsync("migrations", "bootstrap")).ExitCode);
        await using (var connection = new NpgsqlConnection(_database.ConnectionString))
        {
            // Back to a database that only has the first migration.
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                DROP TABLE OrleansMembershipTable, OrleansMembershipVersionTable, OrleansQuery;
                DROP FUNCTION gateway_orleans_insert_version, gateway_orleans_insert_silo, gateway_orleans_update_silo;
                DELETE FROM schema_migrations WHERE name = '001_orleans_clustering';
                """,
                connection);
            await command.ExecuteNonQueryAsync();
        }

        var start = await RunAsync(StartArguments());
        Assert.NotEqual(0, start.ExitCode);
        Assert.Equal(
            [$"gateway: the database (PostgreSQL at {_database.Host}:{_database.Port}/{_database.Database}) has pending migrations (001_orleans_clustering): run 'gateway migrations up'"],
            start.Stderr);
        var list = await RunAsync("migrations", "list");
        Assert.Equal(5, list.ExitCode);
        Assert.Equal("pending migrations: 001_orleans_clustering", list.Stdout[1]);

        var up = await RunAsync("migrations", "up");

        Assert.Equal(0, up.ExitCode);
        Assert.Equal(["migrations applied: 001_orleans_clustering"], up.Stdout);
        Assert.Equal(0, (await RunAsync("migrations", "list")).ExitCode);
    }

    [Fact]
    public async Task UnreachableDatabase_WithoutASnapshot_StartAndMigrationsFailWithOneLine()
    {
        var port = FreePorts.Next();

        var start = await RunAsync([.. StartArguments(), "--pg_port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var list = await RunAsync("migrations", "list", "--pg_port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.NotEqual(0, start.ExitCode);
        var line = Assert.Single(start.Stderr);
        Assert.StartsWith($"gateway: cannot reach PostgreSQL at {_database.Host}:{port}/{_database.Database} and there is no config snapshot in ", line);
        Assert.Equal(1, list.ExitCode);
        Assert.StartsWith($"gateway: cannot reach PostgreSQL at {_database.Host}:{port}/{_database.Database}: ", Assert.Single(list.Stderr));
    }

    private string[] StartArguments()
    {
        var prefix = Path.Combine(Path.GetTempPath(), $"gateway-migrations-{Guid.NewGuid():N}");
        _prefixes.Add(prefix);
        return [.. TestNode.Arguments(prefix, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next()), "start"];
    }

    private Task<(int ExitCode, List<string> Stdout, List<string> Stderr)> RunAsync(params string[] arguments) =>
        NodeProcess.RunAsync(arguments, new Dictionary<string, string>
        {
            ["GATEWAY_DATABASE"] = "postgres",
            ["GATEWAY_PG_HOST"] = _database.Host,
            ["GATEWAY_PG_PORT"] = _database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GATEWAY_PG_USER"] = _database.User,
            ["GATEWAY_PG_DATABASE"] = _database.Database,
        });
}
