using Gateway.Schema;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;
using Gateway.Tests.Storage.Store;

namespace Gateway.Tests.Storage.Sqlite;

/// <summary>The store contract on <see cref="SqliteConfigStore"/>, each test on a fresh temporary file.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"gateway-store-{Guid.NewGuid():N}.db");

    /// <inheritdoc/>
    protected override Task<IConfigStore> CreateStoreAsync(SchemaRegistry registry, TimeProvider time) =>
        Task.FromResult<IConfigStore>(new SqliteConfigStore(_path, registry, time));

    /// <inheritdoc/>
    protected override Task CleanUpAsync()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(_path + suffix);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task InitializeAsync_PutsTheFileInWalMode()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task IsReachable_WhenTheFileCannotBeOpened_IsFalse()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"gateway-missing-{Guid.NewGuid():N}");
        await using var store = new SqliteConfigStore(Path.Combine(directory, "gateway.db"), TestSchemas.Registry, TimeProvider.System);

        Assert.False(await store.IsReachableAsync());
    }

    [Fact]
    public async Task TwoStoresOnOneFile_SeeEachOthersWrites()
    {
        await using var other = new SqliteConfigStore(_path, TestSchemas.Registry, TimeProvider.System);
        await other.InitializeAsync();
        var service = new System.Text.Json.Nodes.JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "shared" };

        await other.InsertAsync("services", service);

        Assert.NotNull(await Store.GetByFieldAsync("services", "name", "shared"));
        Assert.Equal(1, await Store.GetVersionAsync());
        await RefusedAsync<WriteRefusal.UniqueViolation>(Store.InsertAsync("services", new System.Text.Json.Nodes.JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "shared" }));
    }
}
