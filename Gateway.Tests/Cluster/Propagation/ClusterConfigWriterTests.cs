using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Cluster.Propagation;
using Gateway.Node.Config;
using Gateway.Node.Pipeline;
using Gateway.Schema;
using Gateway.Storage.Entities;
using Gateway.Storage.Postgres;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;

namespace Gateway.Tests.Cluster.Propagation;

/// <summary>
/// The write path through real writer grains, in process: two silos (two nodes) with a store each on one SQLite file,
/// each with its own snapshot and refresher, as a node has. A write answers the version it committed once the writing
/// node's snapshot has it, refreshes that node once, and crosses silos when its grain lives on the other one, refusal
/// included.
/// </summary>
public sealed class ClusterConfigWriterTests : IAsyncLifetime
{
    private static readonly SchemaRegistry Registry = PluginCatalog.Bundled.CreateRegistry();
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-writes-").FullName;
    private readonly string _clusterId = $"w{Guid.NewGuid():N}";
    private readonly List<Node> _nodes = [];

    private Node A => _nodes[0];

    private Node B => _nodes[1];

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var a = await StartNodeAsync(primary: null);
        await StartNodeAsync(primary: a.Endpoint);
        foreach (var node in _nodes)
        {
            await Eventually.HoldsAsync(
                () => Task.FromResult(node.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) == 2),
                TimeSpan.FromSeconds(30),
                "both silos see each other");
        }
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Write_AnswersTheCommittedVersion_OnceThisNodesSnapshotHasIt_AfterOneRefresh()
    {
        // The first version is loaded whole; the ones after it come from the change log.
        await A.Writer.InsertAsync("services", Service("first"));
        await Task.Delay(200);
        A.Log.Clear();
        var service = Service("billing");

        var result = await A.Writer.InsertAsync("services", service);

        Assert.True(result.Applied);
        Assert.Equal(await A.Store.GetVersionAsync(), result.Version);
        Assert.Equal(result.Version, A.Snapshots.Current.Version);
        Assert.Contains(A.Snapshots.Current.Data["services"], s => Id(s) == Id(service));

        // The push reached the other node too; the writing node read the change log once, for its own push.
        await Eventually.HoldsAsync(() => Task.FromResult(B.Snapshots.Current.Version == result.Version), TimeSpan.FromSeconds(3), "B has the write");
        await Task.Delay(200);
        Assert.Equal([$"read 1 config changes after version {result.Version - 1}"], A.Refreshes());
    }

    [Fact]
    public async Task Write_FromTheOtherNode_RunsOnTheGrainsSilo_AndItsRefusalArrivesAsTheStoreMadeIt()
    {
        var taken = Service("billing");
        var other = Service("invoicing");
        await A.Writer.InsertAsync("services", taken);
        var inserted = await A.Writer.InsertAsync("services", other);
        var grain = B.Services.GetRequiredService<IGrainFactory>().GetGrain<IConfigWriterGrain>($"services/{Id(other)}");
        Assert.Equal(A.Silo, await B.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetActivationAddress(grain));
        var clash = other.DeepClone().AsObject();
        clash["name"] = "billing";

        var refused = await B.Writer.UpdateAsync("services", clash);

        Assert.False(refused.Applied);
        var unique = Assert.IsType<WriteRefusal.UniqueViolation>(refused.Refusal);
        Assert.Equal("services", unique.Entity);
        Assert.Equal("""{"name":"billing"}""", unique.Key.ToJsonString());
        Assert.Equal("UNIQUE violation detected on '{name=\"billing\"}'", unique.Message);

        other["host"] = "b.example";
        var applied = await B.Writer.UpdateAsync("services", other);

        Assert.Equal(StoreWriteResult.Committed(inserted.Version + 1), applied);
        Assert.Equal(applied.Version, B.Snapshots.Current.Version);
        Assert.Equal("b.example", B.Snapshots.Current.Data["services"].Single(s => Id(s) == Id(other))["host"]!.GetValue<string>());
        Assert.Equal(StoreWriteResult.NotFound, await B.Writer.DeleteAsync("services", Guid.NewGuid().ToString()));
    }

    [Fact]
    public void EveryResult_AndARequestWithItsRow_CrossSilosAsTheyAre()
    {
        var serializer = A.Services.GetRequiredService<Serializer>();
        StoreWriteResult[] results =
        [
            StoreWriteResult.Committed(7),
            StoreWriteResult.NotFound,
            StoreWriteResult.Refused(new WriteRefusal.PrimaryKeyViolation("services", "s-1")),
            StoreWriteResult.Refused(new WriteRefusal.UniqueViolation("plugins", new JsonObject { ["name"] = "cors", ["route"] = null, ["service"] = new JsonObject { ["id"] = "s-1" } })),
            StoreWriteResult.Refused(new WriteRefusal.ForeignKeyViolation("service", "s-9", "services")),
            StoreWriteResult.Refused(new WriteRefusal.ReferencedByOthers("services", "routes")),
            StoreWriteResult.Refused(new WriteRefusal.OperationUnsupported("create", "routes")),
        ];

        foreach (var result in results)
        {
            var copy = serializer.Deserialize<Immutable<StoreWriteResult>>(serializer.SerializeToArray(new Immutable<StoreWriteResult>(result))).Value;

            if (result.Refusal is WriteRefusal.UniqueViolation unique)
            {
                var copied = Assert.IsType<WriteRefusal.UniqueViolation>(copy.Refusal);
                Assert.Equal((unique.Entity, unique.Key.ToJsonString(), unique.Message), (copied.Entity, copied.Key.ToJsonString(), copied.Message));
            }
            else
            {
                Assert.Equal(result, copy);
            }
        }

        var request = new ConfigWriteRequest(ConfigWriteKind.Upsert, "services", "s-1", Service("ünï \"billing\""));
        var received = serializer.Deserialize<ConfigWriteRequest>(serializer.SerializeToArray(request));
        Assert.Equal((request.Kind, request.Entity, request.Id, request.Row!.ToJsonString()), (received!.Kind, received.Entity, received.Id, received.Row!.ToJsonString()));
    }

    [Fact]
    public void LocalCall_CopiesNeitherTheRequestNorTheAnswer()
    {
        var copier = A.Services.GetRequiredService<DeepCopier>();
        var row = Service("billing");
        var request = new ConfigWriteRequest(ConfigWriteKind.Insert, "services", Id(row), row);
        var answer = new Immutable<StoreWriteResult>(StoreWriteResult.Refused(new WriteRefusal.UniqueViolation("services", new JsonObject { ["name"] = "billing" })));

        Assert.Same(request, copier.Copy(request));
        Assert.Same(row, copier.Copy(request).Row);
        Assert.Same(answer.Value, copier.Copy(answer).Value);

        // What copying would cost otherwise: a row on its own is copied through its surrogate, as JSON text.
        var copied = copier.Copy(row);
        Assert.NotSame(row, copied);
        Assert.Equal(row.ToJsonString(), copied.ToJsonString());
    }

    [Fact]
    public async Task Write_WithTheDatabaseDown_IsUnavailable_AndPushesNothing()
    {
        await using var down = new PostgresConfigStore(new PostgresSettings("127.0.0.1", FreePorts.Next(), "gateway", null, "gateway"), Registry, TimeProvider.System);
        var before = A.Snapshots.Current.Version;

        var error = await Assert.ThrowsAsync<DatabaseUnavailableException>(
            () => ConfigWriteApplier.WriteAsync(down, A.Services.GetRequiredService<IConfigPushClient>(), new(ConfigWriteKind.Insert, "services", "s-1", Service("billing"))));

        Assert.StartsWith("database unreachable: ", error.Message);
        await Task.Delay(100);
        Assert.Equal(before, A.Snapshots.Current.Version);
        Assert.Empty(A.Refreshes());
    }

    private static string Id(JsonObject row) => row["id"]!.GetValue<string>();

    private static JsonObject Service(string name) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["name"] = name,
        ["host"] = "example.test",
        ["tags"] = null,
    };

    private async Task<Node> StartNodeAsync(IPEndPoint? primary)
    {
        var store = new SqliteConfigStore(Path.Combine(_directory, "gateway.db"), Registry, TimeProvider.System);
        await store.InitializeAsync();
        var snapshots = new ConfigSnapshotProvider();
        var log = new ConcurrentQueue<string>();
        var refresher = new ConfigRefresher(store, snapshots, TimeSpan.FromMinutes(5), null, new ListLogger<ConfigRefresher>(log));
        await refresher.StartAsync(CancellationToken.None);
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreePorts.Next());
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort: endpoint.Port, gatewayPort: FreePorts.Next(), primarySiloEndpoint: primary, serviceId: "writes", clusterId: _clusterId);
                silo.AddGrainService<ConfigPushService>();
                silo.Services.AddSingleton<IConfigPushClient, ConfigPushClient>();
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton(new ClusterStore(store));
                services.AddSingleton<IConfigChangeListener>(refresher);
                services.AddSingleton<ClusterConfigWriter>();
            })
            .Build();
        await host.StartAsync();
        var node = new Node(host, store, snapshots, refresher, log, endpoint);
        _nodes.Add(node);
        return node;
    }

    /// <summary>One node: its silo, store, snapshot and refresher.</summary>
    private sealed record Node(IHost Host, SqliteConfigStore Store, ConfigSnapshotProvider Snapshots, ConfigRefresher Refresher, ConcurrentQueue<string> Log, IPEndPoint Endpoint)
        : IAsyncDisposable
    {
        public IServiceProvider Services => Host.Services;

        public ClusterConfigWriter Writer => Services.GetRequiredService<ClusterConfigWriter>();

        public SiloAddress Silo => Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

        /// <summary>The refresher's reads of the change log (a second refresh for one write would read it again, finding nothing).</summary>
        public IReadOnlyList<string> Refreshes() => [.. Log.Where(line => line.StartsWith("read ", StringComparison.Ordinal))];

        public async ValueTask DisposeAsync()
        {
            await Host.StopAsync();
            Host.Dispose();
            await Refresher.StopAsync(CancellationToken.None);
            Refresher.Dispose();
            await Store.DisposeAsync();
        }
    }

    /// <summary>Keeps every message the refresher logs.</summary>
    private sealed class ListLogger<T>(ConcurrentQueue<string> lines) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
