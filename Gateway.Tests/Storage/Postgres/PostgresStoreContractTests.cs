using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Migrations;
using Gateway.Storage.Postgres;
using Gateway.Storage.Store;
using Gateway.Tests.Storage.Store;
using Gateway.Tests.Support;
using Npgsql;

namespace Gateway.Tests.Storage.Postgres;

/// <summary>The store contract on <see cref="PostgresConfigStore"/>, each test in a fresh schema of the test server.</summary>
public sealed class PostgresStoreContractTests : StoreContractTests
{
    private PostgresSettings? _settings;

    /// <inheritdoc/>
    protected override async Task<IConfigStore> CreateStoreAsync(SchemaRegistry registry, TimeProvider time)
    {
        _settings = await PostgresTestDatabase.CreateSchemaAsync();
        return new PostgresConfigStore(_settings, registry, time);
    }

    /// <inheritdoc/>
    protected override Task CleanUpAsync() => _settings?.Schema is { } schema ? PostgresTestDatabase.DropSchemaAsync(schema) : Task.CompletedTask;

    [Fact]
    public async Task Initialize_AppliesEveryMigrationOnce()
    {
        await using var dataSource = _settings!.CreateDataSource();

        var state = await PostgresMigrations.GetStateAsync(dataSource);
        var again = await PostgresMigrations.UpAsync(dataSource);

        Assert.Equal(["000_base", "001_orleans_clustering", "002_audit_log"], state.Executed);
        Assert.Empty(state.Pending);
        Assert.True(state.IsCurrent);
        Assert.Empty(again);
    }

    [Fact]
    public async Task Migrations_OnAnEmptySchema_AreAllPending()
    {
        var empty = await PostgresTestDatabase.CreateSchemaAsync();
        try
        {
            await using var dataSource = empty.CreateDataSource();

            var state = await PostgresMigrations.GetStateAsync(dataSource);

            Assert.True(state.IsEmpty);
            Assert.Equal(["000_base", "001_orleans_clustering", "002_audit_log"], state.Pending);
        }
        finally
        {
            await PostgresTestDatabase.DropSchemaAsync(empty.Schema!);
        }
    }

    [Fact]
    public async Task OrleansQueries_AreAllRegistered()
    {
        await using var dataSource = _settings!.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT querykey FROM orleansquery ORDER BY querykey");
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        Assert.Equal(
            [
                "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
                "InsertMembershipKey", "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey",
                "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
            ],
            keys);
    }

    [Fact]
    public async Task IsReachable_WhenNothingListens_IsFalse()
    {
        var nowhere = PostgresTestDatabase.Server() with { Port = Support.FreePorts.Next() };
        await using var store = new PostgresConfigStore(nowhere, TestSchemas.Registry, TimeProvider.System);

        Assert.False(await store.IsReachableAsync());
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.GetVersionAsync());
    }

    [Fact]
    public async Task TwoStoresOnOneSchema_SeeEachOthersWritesAndUniqueness()
    {
        await using var other = new PostgresConfigStore(_settings!, TestSchemas.Registry, TimeProvider.System);
        var service = new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "shared" };

        await other.InsertAsync("services", service);

        Assert.NotNull(await Store.GetByFieldAsync("services", "name", "shared"));
        Assert.Equal(1, await Store.GetVersionAsync());
        await RefusedAsync<WriteRefusal.UniqueViolation>(Store.InsertAsync("services", new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "shared" }));
    }

    [Fact]
    public async Task ConcurrentWritersOnTwoStores_NeverShareAVersionOrAName()
    {
        await using var other = new PostgresConfigStore(_settings!, TestSchemas.Registry, TimeProvider.System);
        var stores = new[] { Store, other };

        // Both stores race for the same 20 names: each name lands exactly once.
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var result = await stores[i % 2].InsertAsync("services", new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = $"race-{i / 2}" });
            Assert.True(result.Applied || result.Refusal is WriteRefusal.UniqueViolation, $"{result}");
            return result.Applied;
        })));

        Assert.Equal(20, results.Count(r => r));
        Assert.Equal(20, await Store.GetVersionAsync());
        Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), (await Store.GetChangesSinceAsync(0)).Select(c => c.Version));
    }
}
