using Gateway.Schema;
using Gateway.Storage.Postgres;
using Gateway.Storage.Store;
using Gateway.Tests.Support;
using Npgsql;

namespace Gateway.Tests.Storage.Audit;

/// <summary>The audit log contract on <see cref="PostgresConfigStore"/>, each test in a fresh schema of the test server.</summary>
public sealed class PostgresAuditLogTests : AuditLogContractTests
{
    private readonly List<string> _schemas = [];

    /// <inheritdoc/>
    protected override async Task<IConfigStore> CreateStoreAsync(SchemaRegistry registry, TimeProvider time)
    {
        var settings = await PostgresTestDatabase.CreateSchemaAsync();
        _schemas.Add(settings.Schema!);
        return new PostgresConfigStore(settings, registry, time);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Server(_schemas[0]).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc/>
    protected override async Task CleanUpAsync()
    {
        foreach (var schema in _schemas)
        {
            await PostgresTestDatabase.DropSchemaAsync(schema);
        }
    }
}
