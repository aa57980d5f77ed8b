using Gateway.Schema;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Storage.Audit;

/// <summary>The audit log contract on <see cref="SqliteConfigStore"/>, each test in a new database file.</summary>
public sealed class SqliteAuditLogTests : AuditLogContractTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audit-sqlite-").FullName;
    private int _stores;

    /// <summary>The first store's file: the one the test tampers with.</summary>
    private string DatabasePath => Path.Combine(_folder, "store-1.db");

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <inheritdoc/>
    protected override Task<IConfigStore> CreateStoreAsync(SchemaRegistry registry, TimeProvider time) =>
        Task.FromResult<IConfigStore>(new SqliteConfigStore(Path.Combine(_folder, $"store-{++_stores}.db"), registry, time));

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
