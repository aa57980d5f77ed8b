using System.Text.Json.Nodes;
using Gateway.Cluster.Propagation;
using Gateway.Node.Config;
using Gateway.Node.Pipeline;
using Gateway.Schema;
using Gateway.Storage.Postgres;
using Gateway.Storage.Snapshot;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Node.Config;

/// <summary>
/// The node side of propagation, in process: pushes applied from the change log, the snapshot file,
/// start-up without a database, and the Admin API's reads while the database is away.
/// </summary>
public sealed class ConfigRefresherTests : IAsyncLifetime
{
    private static readonly SchemaRegistry Registry = PluginCatalog.Bundled.CreateRegistry();
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-refresher-").FullName;
    private SqliteConfigStore _store = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _store = new SqliteConfigStore(Path.Combine(_prefix, "gateway.db"), Registry, TimeProvider.System);
        await _store.InitializeAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_prefix, recursive: true);
    }

    [Fact]
    public async Task Push_AppliesTheChangedRows_AndDeletes()
    {
        var provider = new ConfigSnapshotProvider();
        using var refresher = Refresher(_store, provider);
        await refresher.StartAsync(CancellationToken.None);
        var service = Row("svc-1", ("name", "billing"), ("host", "example.test"));
        await _store.InsertAsync("services", service);
        await _store.InsertAsync("routes", Route("route-b", "svc-1"));
        await _store.InsertAsync("routes", Route("route-a", "svc-1"));

        refresher.OnVersion(3, 0);

        await WaitAsync(() => provider.Current.Version == 3);
        Assert.Equal(["route-a", "route-b"], provider.Current.Data["routes"].Select(r => r["id"]!.GetValue<string>()));
        Assert.Equal("billing", provider.Current.Data["services"][0]["name"]!.GetValue<string>());

        await _store.DeleteAsync("routes", "route-a");
        refresher.OnVersion(4, 0);

        await WaitAsync(() => provider.Current.Version == 4);
        Assert.Equal(["route-b"], provider.Current.Data["routes"].Select(r => r["id"]!.GetValue<string>()));
        await refresher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Push_ForAVersionAlreadyLive_DoesNothing()
    {
        var provider = new ConfigSnapshotProvider();
        using var refresher = Refresher(_store, provider);
        await _store.InsertAsync("services", Row("svc-1", ("name", "billing"), ("host", "example.test")));
        await refresher.StartAsync(CancellationToken.None);
        var live = provider.Current;

        refresher.OnVersion(1, 0);
        await Task.Delay(50);

        Assert.Same(live, provider.Current);
        await refresher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SnapshotFile_RoundTripsEveryEntity_IsOwnerOnly_AndLeavesNoTemporaryFile()
    {
        var data = new ConfigData(42, new Dictionary<string, IReadOnlyList<JsonObject>>
        {
            ["services"] = [Row("svc-1", ("name", "billing ünï"))],
            ["routes"] = [Route("route-1", "svc-1")],
        });

        await SnapshotFile.WriteAsync(_prefix, data);
        var read = SnapshotFile.TryRead(_prefix);

        Assert.NotNull(read);
        Assert.Equal(42, read.Version);
        foreach (var entity in ConfigData.SnapshotEntities)
        {
            Assert.Equal(data[entity].Select(r => r.ToJsonString()), read[entity].Select(r => r.ToJsonString()));
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SnapshotFile.PathIn(_prefix)));
        }

        Assert.Equal([SnapshotFile.FileName, "gateway.db"], Directory.GetFiles(_prefix).Select(Path.GetFileName).Where(f => !f!.StartsWith("gateway.db-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Start_WithTheDatabaseDown_ServesTheSnapshotFile()
    {
        await SnapshotFile.WriteAsync(_prefix, new ConfigData(7, new Dictionary<string, IReadOnlyList<JsonObject>>
        {
            ["routes"] = [Route("route-1", null)],
        }));
        await using var down = Unreachable();
        var provider = new ConfigSnapshotProvider();
        using var refresher = Refresher(down, provider);

        await refresher.StartAsync(CancellationToken.None);

        Assert.Equal(7, provider.Current.Version);
        Assert.Equal("route-1", Assert.Single(provider.Current.Data["routes"])["id"]!.GetValue<string>());
        await refresher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Start_WithTheDatabaseDownAndNoSnapshot_Throws()
    {
        await using var down = Unreachable();
        using var refresher = Refresher(down, new ConfigSnapshotProvider());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => refresher.StartAsync(CancellationToken.None));

        Assert.StartsWith("the database is unreachable (", error.Message);
        Assert.EndsWith($") and there is no config snapshot in {_prefix} to start from", error.Message);
    }

    [Fact]
    public async Task AdminReader_WithTheDatabaseDown_ReadsFromTheSnapshot_AndRefusesTheRest()
    {
        var routes = Enumerable.Range(0, 5).Select(i => Route($"route-{i}", i % 2 == 0 ? "svc-1" : null)).ToList();
        routes[3]["tags"] = new JsonArray("blue", "red");
        var provider = new ConfigSnapshotProvider();
        provider.Apply(new ConfigData(9, new Dictionary<string, IReadOnlyList<JsonObject>> { ["routes"] = routes }));
        await using var down = Unreachable();
        var admin = new SnapshotFallbackReader(down, provider);

        Assert.Equal("route-2", (await admin.GetAsync("routes", "route-2"))!["id"]!.GetValue<string>());
        Assert.Equal("route-4", (await admin.GetByFieldAsync("routes", "name", "route-4"))!["id"]!.GetValue<string>());
        Assert.Null(await admin.GetAsync("routes", "route-9"));
        var first = await admin.ListAsync("routes", new ListQuery(2));
        var second = await admin.ListAsync("routes", new ListQuery(2, first.Offset));
        var last = await admin.ListAsync("routes", new ListQuery(2, second.Offset));
        Assert.Equal(["route-0", "route-1", "route-2", "route-3", "route-4"], first.Data.Concat(second.Data).Concat(last.Data).Select(r => r["id"]!.GetValue<string>()));
        Assert.Null(last.Offset);
        Assert.Equal(["route-0", "route-2", "route-4"], (await admin.ListAsync("routes", new ListQuery(10, ForeignField: "service", ForeignId: "svc-1"))).Data.Select(r => r["id"]!.GetValue<string>()));
        Assert.Equal(["route-3"], (await admin.ListAsync("routes", new ListQuery(10, Tags: new TagFilter(["red", "blue"], true)))).Data.Select(r => r["id"]!.GetValue<string>()));
        Assert.Equal(9, await admin.GetVersionAsync());

        await Assert.ThrowsAsync<DatabaseUnavailableException>(() => admin.GetAsync("consumers", "c-1"));
        await Assert.ThrowsAsync<DatabaseUnavailableException>(() => admin.ListTagsAsync(null, 10, null));
    }

    private ConfigRefresher Refresher(IConfigStore store, ConfigSnapshotProvider provider) =>
        new(store, provider, TimeSpan.FromMinutes(5), _prefix, NullLogger<ConfigRefresher>.Instance);

    private static PostgresConfigStore Unreachable() =>
        new(new PostgresSettings("127.0.0.1", FreePorts.Next(), "gateway", null, "gateway"), Registry, TimeProvider.System);

    private static JsonObject Row(string id, params (string Name, string Value)[] fields)
    {
        var row = new JsonObject { ["id"] = id };
        foreach (var (name, value) in fields)
        {
            row[name] = value;
        }

        return row;
    }

    private static JsonObject Route(string id, string? serviceId) => new()
    {
        ["id"] = id,
        ["name"] = id,
        ["paths"] = new JsonArray("/" + id),
        ["service"] = serviceId is null ? null : new JsonObject { ["id"] = serviceId },
        ["tags"] = null,
    };

    private static Task WaitAsync(Func<bool> condition) => Eventually.HoldsAsync(condition, TimeSpan.FromSeconds(3), "condition");
}
