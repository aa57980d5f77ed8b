using System.Globalization;
using Gateway.Storage.Migrations;
using Gateway.Storage.Postgres;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// A node on a database of its own on the tests' PostgreSQL (migrated, dropped at the end), whose
/// Admin API waits 1 s between two reads of a body: PostgreSQL refuses what SQLite stores (a NUL).
/// </summary>
public sealed class PostgresHostileInputNode : IAsyncLifetime
{
    private PostgresSettings? _database;
    private TestNode? _node;

    /// <summary>The running node.</summary>
    public TestNode Node => _node ?? throw new InvalidOperationException("the node has not started");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateDatabaseAsync();
        await using (var dataSource = _database.CreateDataSource())
        {
            await PostgresMigrations.UpAsync(dataSource);
        }

        string[] arguments =
        [
            "--database", "postgres", "--pg_host", _database.Host, "--pg_port", _database.Port.ToString(CultureInfo.InvariantCulture),
            "--pg_user", _database.User, "--pg_database", _database.Database, .. _database.Password is null ? [] : new[] { "--pg_password", _database.Password },
            "--nginx_admin_client_body_timeout", "1s",
        ];
        _node = await TestNode.StartAsync(arguments);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_database is not null)
        {
            await PostgresTestDatabase.DropDatabaseAsync(_database.Database);
        }
    }
}
