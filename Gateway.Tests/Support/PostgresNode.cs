using System.Globalization;
using Gateway.Storage.Migrations;
using Gateway.Storage.Postgres;

namespace Gateway.Tests.Support;

/// <summary>A <see cref="NodeFixture"/> whose node stores its config in a database of its own on the tests' PostgreSQL (migrated, dropped at the end).</summary>
public sealed class PostgresNode : NodeFixture
{
    private PostgresSettings? _database;

    /// <inheritdoc/>
    protected override string[] NodeArguments =>
    [
        "--database", "postgres", "--pg_host", _database!.Host, "--pg_port", _database.Port.ToString(CultureInfo.InvariantCulture),
        "--pg_user", _database.User, "--pg_database", _database.Database, .. _database.Password is null ? [] : new[] { "--pg_password", _database.Password },
    ];

    /// <inheritdoc/>
    public override async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateDatabaseAsync();
        await using (var dataSource = _database.CreateDataSource())
        {
            await PostgresMigrations.UpAsync(dataSource);
        }

        await base.InitializeAsync();
    }

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await PostgresTestDatabase.DropDatabaseAsync(_database.Database);
        }
    }
}
