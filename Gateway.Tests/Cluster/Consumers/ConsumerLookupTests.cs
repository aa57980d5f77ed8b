using System.Text.Json.Nodes;
using Gateway.Cluster.Consumers;
using Gateway.Cluster.Propagation;
using Gateway.Node.Pipeline;
using Gateway.Schema;
using Gateway.Storage.Entities;
using Gateway.Storage.Sqlite;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Cluster.Consumers;

/// <summary>Consumer look-ups through real consumer grains on an in-process silo, behind the node's LRU cache.</summary>
public sealed class ConsumerLookupTests : IAsyncLifetime
{
    private static readonly SchemaRegistry Registry = PluginCatalog.Bundled.CreateRegistry();
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-consumers-").FullName;
    private SqliteConfigStore _store = null!;
    private IHost _silo = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _store = new SqliteConfigStore(Path.Combine(_directory, "gateway.db"), Registry, TimeProvider.System);
        await _store.InitializeAsync();
        _silo = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleans(silo => silo.UseLocalhostClustering(siloPort: FreePorts.Next(), gatewayPort: FreePorts.Next(), serviceId: "consumers", clusterId: $"c{Guid.NewGuid():N}"))
            .ConfigureServices(services => services.AddSingleton(new ClusterStore(_store)))
            .Build();
        await _silo.StartAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await _silo.StopAsync();
        _silo.Dispose();
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Find_ThroughGrains_IsCachedUntilAChangeInvalidatesIt()
    {
        var lookup = new ConsumerLookup(_silo.Services.GetRequiredService<IGrainFactory>());
        Assert.Null(await lookup.FindAsync("consumers", "username", "alice"));

        await _store.InsertAsync("consumers", Consumer("c-1", "alice", "first"));

        // Cached "not found" until the change log says consumers changed.
        Assert.Null(await lookup.FindAsync("consumers", "username", "alice"));
        lookup.Invalidate(await _store.GetVersionAsync(), await _store.GetChangesSinceAsync(0));
        Assert.Equal("first", (await lookup.FindAsync("consumers", "username", "alice"))!["custom_id"]!.GetValue<string>());
        Assert.Equal("alice", (await lookup.FindAsync("consumers", "id", "c-1"))!["username"]!.GetValue<string>());

        await _store.UpdateAsync("consumers", Consumer("c-1", "alice", "second"));
        Assert.Equal("first", (await lookup.FindAsync("consumers", "username", "alice"))!["custom_id"]!.GetValue<string>());
        lookup.Invalidate(await _store.GetVersionAsync(), await _store.GetChangesSinceAsync(1));

        // The grain re-reads too: the lookup passes the version it was told about.
        Assert.Equal("second", (await lookup.FindAsync("consumers", "username", "alice"))!["custom_id"]!.GetValue<string>());
        Assert.Equal("second", (await lookup.FindAsync("consumers", "id", "c-1"))!["custom_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Find_KeepsAtMostCapacityEntries_DroppingTheLeastRecentlyUsed()
    {
        var lookup = new ConsumerLookup(_silo.Services.GetRequiredService<IGrainFactory>(), capacity: 2);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await _store.InsertAsync("consumers", Consumer($"id-{name}", name, null));
        }

        var a = await lookup.FindAsync("consumers", "username", "a");
        var b = await lookup.FindAsync("consumers", "username", "b");
        await lookup.FindAsync("consumers", "username", "a");
        await lookup.FindAsync("consumers", "username", "c");

        Assert.Equal(2, lookup.Count);

        // A hit hands back the cached row itself; "b" was dropped and comes back from its grain as a new object.
        Assert.Same(a, await lookup.FindAsync("consumers", "username", "a"));
        var again = await lookup.FindAsync("consumers", "username", "b");
        Assert.NotSame(b, again);
        Assert.Equal(b!.ToJsonString(), again!.ToJsonString());
    }

    [Fact]
    public async Task Find_CachedRow_ReadsItsStringsWithoutDecodingThemAgain()
    {
        var lookup = new ConsumerLookup(_silo.Services.GetRequiredService<IGrainFactory>());
        await _store.InsertAsync("consumers", Consumer("c-7", "grace", "g"));

        var row = (await lookup.FindAsync("consumers", "username", "grace"))!;

        // Auth plugins read these on every request: the same string each time, not a new one per read.
        Assert.Equal("grace", row["username"]!.GetValue<string>());
        Assert.Same(row["username"]!.GetValue<string>(), row["username"]!.GetValue<string>());
        Assert.Same(row["id"]!.GetValue<string>(), (await lookup.FindAsync("consumers", "username", "grace"))!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Find_PastCapacity_DropsTheLeastRecentlyUsedTenthAtOnce()
    {
        var lookup = new ConsumerLookup(_silo.Services.GetRequiredService<IGrainFactory>(), capacity: 20);
        for (var i = 0; i < 20; i++)
        {
            await lookup.FindAsync("consumers", "username", $"u{i}");
        }

        // u0 and u1 are used again: the oldest are now u2, u3 and u4.
        await lookup.FindAsync("consumers", "username", "u0");
        await lookup.FindAsync("consumers", "username", "u1");
        await _store.InsertAsync("consumers", Consumer("c-late", "late", null));
        var late = await lookup.FindAsync("consumers", "username", "late");
        Assert.Equal("late", late!["username"]!.GetValue<string>());
        Assert.Equal(18, lookup.Count);

        // Still cached: no new entry. Dropped: looked up again and cached again.
        await lookup.FindAsync("consumers", "username", "u0");
        await lookup.FindAsync("consumers", "username", "u5");
        Assert.Equal(18, lookup.Count);
        await lookup.FindAsync("consumers", "username", "u2");
        Assert.Equal(19, lookup.Count);
    }

    [Fact]
    public async Task Export_ThenImportIntoANewCache_AnswersWithoutTheStore_UntilAChangeInvalidatesTheRow()
    {
        var lookup = new ConsumerLookup(_silo.Services.GetRequiredService<IGrainFactory>());
        await _store.InsertAsync("consumers", Consumer("c-9", "ivan", "i"));
        var version = await _store.GetVersionAsync();
        lookup.Invalidate(version, []);
        await lookup.FindAsync("consumers", "username", "ivan");
        Assert.Null(await lookup.FindAsync("consumers", "username", "nobody"));
        Assert.Equal(3, lookup.Changes);

        // Only rows found are saved: a "not found" is not worth keeping across a restart.
        var saved = lookup.Export();
        var row = Assert.Single(saved);
        Assert.Equal(("consumers", "username", "ivan"), (row.Entity, row.Field, row.Value));
        Assert.Equal("c-9", JsonNode.Parse(row.Json)!["id"]!.GetValue<string>());

        // A restarted node's cache: the row is there even once the store no longer has it, until the change log says so.
        var restarted = new ConsumerLookup(_silo.Services.GetRequiredService<IGrainFactory>());
        restarted.Import(version, saved);
        await _store.DeleteAsync("consumers", "c-9");
        Assert.Equal("i", (await restarted.FindAsync("consumers", "username", "ivan"))!["custom_id"]!.GetValue<string>());
        restarted.Invalidate(await _store.GetVersionAsync(), await _store.GetChangesSinceAsync(version));
        Assert.Null(await restarted.FindAsync("consumers", "username", "ivan"));
    }

    private static JsonObject Consumer(string id, string username, string? customId) => new()
    {
        ["id"] = id,
        ["username"] = username,
        ["custom_id"] = customId,
        ["tags"] = null,
    };
}
