using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Audit;
using Gateway.Storage.Store;
using Gateway.Tests.Storage.Store;

namespace Gateway.Tests.Storage.Audit;

/// <summary>
/// What every store's audit log must do, written once: object records committed with their writes (and only with
/// them), request records appended, one chain over both, filters and pages, and purges that keep the chain checkable.
/// </summary>
public abstract partial class AuditLogContractTests : IAsyncLifetime
{
    private const long Ttl = 3600;

    private static readonly AuditStamp Stamp = new("4b1d5a0c6e2f4c1e9a8b7c6d5e4f3a2b", 1_800_000_000, "6f0c3a9e-1111-4a2b-9c3d-5e6f7a8b9c0d");

    private readonly SettableTime _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_100));
    private IConfigStore? _store;
    private IAuditLog? _log;

    /// <summary>The store under test, with its audit log open.</summary>
    protected IConfigStore Store => _store ?? throw new InvalidOperationException("not initialized");

    private IAuditLog Log => _log ?? throw new InvalidOperationException("not initialized");

    /// <summary>A new store on an empty database, not yet initialized.</summary>
    protected abstract Task<IConfigStore> CreateStoreAsync(SchemaRegistry registry, TimeProvider time);

    /// <summary>Runs SQL on the store's database directly, as someone tampering with it would.</summary>
    protected abstract Task ExecuteAsync(string sql);

    /// <summary>Removes the database <see cref="CreateStoreAsync"/> made; runs after the store is disposed.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync(TestSchemas.Registry, _time);
        await _store.InitializeAsync();
        _log = _store.OpenAuditLog(Policy());
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await CleanUpAsync();
    }

    [Fact]
    public async Task Insert_IsRecordedAsACreate_WithEveryField_InItsOwnTransaction()
    {
        var service = Service("billing");

        var result = await Store.InsertAsync("services", service, Stamp);

        var entry = Assert.Single(await Log.ReadChainAsync(0, 100));
        Assert.Equal((AuditTable.Objects, 1L), (entry.Table, entry.Sequence));
        var record = entry.Record;
        Assert.Equal(Stamp.RequestId, (string?)record["request_id"]);
        Assert.Equal(Stamp.RequestTimestamp, (long?)record["request_timestamp"]);
        Assert.Equal(Stamp.RbacUserId, (string?)record["rbac_user_id"]);
        Assert.Equal(Id(service), (string?)record["entity_key"]);
        Assert.Equal("services", (string?)record["dao_name"]);
        Assert.Equal("create", (string?)record["operation"]);
        Assert.True(JsonNode.DeepEquals(service, JsonNode.Parse((string)record["entity"]!)));
        Assert.Null(record["before"]);
        Assert.Null(record["removed_from_entity"]);
        Assert.Equal(result.Version, (long?)record["config_version"]);
        Assert.Equal("node-1", (string?)record["node_id"]);
        Assert.True(Guid.TryParse((string?)record["id"], out _));
        Assert.Equal(1, (long?)record["sequence"]);
        Assert.Equal(AuditChain.Link("", Without(record, "hash")), (string?)record["hash"]);
        Assert.Null(record["signature"]);
        Assert.Equal(new AuditAnchor(1, (string)record["hash"]!), await Log.GetHeadAsync());
    }

    [Fact]
    public async Task Update_RecordsTheEntityBeforeAndAfter_AndTheChangedFields()
    {
        var service = Service("billing");
        await Store.InsertAsync("services", service, Stamp);
        var changed = (JsonObject)service.DeepClone();
        changed["host"] = "billing.internal";

        await Store.UpdateAsync("services", changed, Stamp);

        var record = (await Log.ReadChainAsync(1, 100)).Single().Record;
        Assert.Equal("update", (string?)record["operation"]);
        Assert.Equal("upstream.test", (string?)JsonNode.Parse((string)record["before"]!)!["host"]);
        Assert.Equal("billing.internal", (string?)JsonNode.Parse((string)record["entity"]!)!["host"]);
        var diff = Assert.IsType<JsonArray>(JsonNode.Parse((string)record["diff"]!));
        var host = Assert.Single(diff);
        Assert.Equal("host", (string?)host!["path"]);
        Assert.Equal("upstream.test", (string?)host["old"]);
        Assert.Equal("billing.internal", (string?)host["new"]);
    }

    [Fact]
    public async Task CascadedDelete_RecordsEveryRowRemoved_ChildrenFirst_WithTheRowsAsTheyWere()
    {
        var upstream = Row(("name", "pool"));
        var target = Row(("upstream", new JsonObject { ["id"] = Id(upstream) }), ("target", "10.0.0.1:80"));
        await Store.InsertAsync("upstreams", upstream, Stamp);
        await Store.InsertAsync("targets", target, Stamp);

        var deleted = await Store.DeleteAsync("upstreams", Id(upstream), Stamp);

        var records = (await Log.ReadChainAsync(2, 100)).Select(e => e.Record).ToList();
        Assert.Equal([("targets", "delete"), ("upstreams", "delete")], records.Select(r => ((string)r["dao_name"]!, (string)r["operation"]!)));
        Assert.Equal("10.0.0.1:80", (string?)JsonNode.Parse((string)records[0]["entity"]!)!["target"]);
        Assert.All(records, r => Assert.Equal(deleted.Version, (long?)r["config_version"]));
    }

    [Fact]
    public async Task RefusedWrite_LeavesNoRecord()
    {
        var service = Service("billing");
        await Store.InsertAsync("services", service, Stamp);

        var again = await Store.InsertAsync("services", Service("billing"), Stamp);
        var missing = await Store.DeleteAsync("services", Guid.NewGuid().ToString(), Stamp);

        Assert.NotNull(again.Refusal);
        Assert.False(missing.Applied);
        Assert.Single(await Log.ReadChainAsync(0, 100));
    }

    [Fact]
    public async Task ExcludedFields_AreRemovedAtAnyDepth_AndNamed()
    {
        var plugin = Row(("name", "rate-limiting"), ("config", new JsonObject { ["redis"] = new JsonObject { ["password"] = "hunter2", ["host"] = "r" } }));

        await Store.InsertAsync("plugins", plugin, Stamp);

        var record = (await Log.ReadChainAsync(0, 100)).Single().Record;
        var entity = JsonNode.Parse((string)record["entity"]!)!;
        Assert.Null(entity["config"]!["redis"]!["password"]);
        Assert.Equal("r", (string?)entity["config"]!["redis"]!["host"]);
        Assert.Equal("password", (string?)record["removed_from_entity"]);
        Assert.DoesNotContain("hunter2", record.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IgnoredTables_AreNotRecorded_ButStillWritten()
    {
        await using var other = await CreateStoreAsync(TestSchemas.Registry, _time);
        await other.InitializeAsync();
        var log = other.OpenAuditLog(Policy(ignore: ["routes"]))!;

        var route = Row(("name", "r1"));
        var result = await other.InsertAsync("routes", route, Stamp);

        Assert.True(result.Applied);
        Assert.NotNull(await other.GetAsync("routes", Id(route)));
        Assert.Empty(await log.ReadChainAsync(0, 100));
    }

    [Fact]
    public async Task RequestRecords_JoinTheSameChain_AfterTheObjectRecords()
    {
        await Store.InsertAsync("services", Service("billing"), Stamp);

        await Log.AppendAsync([Request("POST", 201), Request("GET", 200)]);

        var chain = await Log.ReadChainAsync(0, 100);
        Assert.Equal([AuditTable.Objects, AuditTable.Requests, AuditTable.Requests], chain.Select(e => e.Table));
        Assert.Equal([1L, 2, 3], chain.Select(e => e.Sequence));
        var previous = "";
        foreach (var entry in chain)
        {
            Assert.Equal(AuditChain.Link(previous, Without(entry.Record, "hash")), (string?)entry.Record["hash"]);
            previous = (string)entry.Record["hash"]!;
        }
    }

    [Fact]
    public async Task List_IsNewestFirst_Paged_Filtered_AndShowsTheTtlLeft()
    {
        await Log.AppendAsync([Request("POST", 201), Request("GET", 200), Request("DELETE", 404), Request("GET", 200)]);
        _time.Advance(TimeSpan.FromSeconds(100));

        var first = await Log.ListAsync(AuditTable.Requests, new AuditQuery(2, null, new Dictionary<string, string>()));
        var second = await Log.ListAsync(AuditTable.Requests, new AuditQuery(2, first.Offset, new Dictionary<string, string>()));
        var gets = await Log.ListAsync(AuditTable.Requests, new AuditQuery(10, null, new Dictionary<string, string> { ["method"] = "GET", ["status"] = "200" }));

        Assert.Equal([4L, 3], first.Data.Select(r => (long)r["sequence"]!));
        Assert.Equal([2L, 1], second.Data.Select(r => (long)r["sequence"]!));
        Assert.Null(second.Offset);
        Assert.Equal([4L, 2], gets.Data.Select(r => (long)r["sequence"]!));
        Assert.All(first.Data, r => Assert.Equal(Ttl - 100, (long?)r["ttl"]));
        await Assert.ThrowsAsync<InvalidOffsetException>(() => Log.ListAsync(AuditTable.Requests, new AuditQuery(2, "bm90IGEgbnVtYmVy", new Dictionary<string, string>())));
    }

    [Fact]
    public async Task List_FiltersOnTheRequestTimestamp()
    {
        await Log.AppendAsync([Request("GET", 200, timestamp: 1000), Request("GET", 200, timestamp: 2000), Request("GET", 200, timestamp: 3000)]);

        var between = await Log.ListAsync(AuditTable.Requests, new AuditQuery(10, null, new Dictionary<string, string>(), Before: 3000, AtOrAfter: 2000));

        Assert.Equal([2000L], between.Data.Select(r => (long)r["request_timestamp"]!));
    }

    [Fact]
    public async Task Purge_RemovesExpiredRecordsFromTheStart_AndAnchorsWhatIsKept()
    {
        await Log.AppendAsync([Request("GET", 200), Request("GET", 200)]);
        await Store.InsertAsync("services", Service("billing"), Stamp);
        _time.Advance(TimeSpan.FromSeconds(Ttl + 1));
        await Log.AppendAsync([Request("GET", 200)]);
        var third = (await Log.ReadChainAsync(2, 1)).Single().Record;

        var purged = await Log.PurgeExpiredAsync();

        Assert.Equal(3, purged);
        Assert.Equal(new AuditAnchor(3, (string)third["hash"]!), await Log.GetAnchorAsync());
        var kept = Assert.Single(await Log.ReadChainAsync(0, 100));
        Assert.Equal(4, kept.Sequence);
        Assert.Equal(AuditChain.Link((string)third["hash"]!, Without(kept.Record, "hash")), (string?)kept.Record["hash"]);
        Assert.Equal(0, await Log.PurgeExpiredAsync());
    }

    [Fact]
    public async Task ChangingARecordInTheDatabase_BreaksItsLink()
    {
        await Log.AppendAsync([Request("DELETE", 204)]);

        await ExecuteAsync("UPDATE audit_requests SET record = replace(record, '\"status\":204', '\"status\":200')");

        var record = (await Log.ReadChainAsync(0, 1)).Single().Record;
        Assert.Equal(200, (long?)record["status"]);
        Assert.NotEqual(AuditChain.Link("", Without(record, "hash")), (string?)record["hash"]);
    }

    private AuditPolicy Policy(string[]? ignore = null, AuditSigner? signer = null) => new()
    {
        RecordTtl = Ttl,
        IgnoreTables = new HashSet<string>(ignore ?? []),
        Signer = signer,
        NodeId = "node-1",
        Time = _time,
    };

    private AuditDraft Request(string method, int status, long? timestamp = null) => new(AuditTable.Requests, new JsonObject
    {
        ["request_id"] = Guid.NewGuid().ToString("N"),
        ["request_timestamp"] = timestamp ?? _time.GetUtcNow().ToUnixTimeSeconds(),
        ["client_ip"] = "127.0.0.1",
        ["path"] = "/services",
        ["method"] = method,
        ["status"] = status,
        ["node_id"] = "node-1",
    });

    private static JsonObject Without(JsonObject record, string field)
    {
        var copy = (JsonObject)record.DeepClone();
        copy.Remove(field);
        return copy;
    }

    private static string Id(JsonObject row) => row["id"]!.GetValue<string>();

    private static JsonObject Service(string name) => Row(("name", name), ("host", "upstream.test"));

    private static JsonObject Row(params (string Name, JsonNode? Value)[] fields)
    {
        var row = new JsonObject { ["id"] = Guid.NewGuid().ToString() };
        foreach (var (name, value) in fields)
        {
            row[name] = value;
        }

        return row;
    }

    /// <summary>A clock a test moves.</summary>
    private sealed class SettableTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
