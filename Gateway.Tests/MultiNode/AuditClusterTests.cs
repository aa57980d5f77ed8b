using System.Text.Json.Nodes;
using Gateway.Storage.Audit;
using Gateway.Storage.Migrations;
using Gateway.Storage.Postgres;
using Gateway.Tests.Storage.Store;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// The audit log of a cluster on PostgreSQL: three nodes writing at once make one unbroken chain, and a request made
/// while the database is down is recorded once it is back.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class AuditClusterTests
{
    [Fact]
    public async Task ThreeNodesWritingConcurrently_MakeOneUnbrokenChain()
    {
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        var nodes = new List<ClusterNode>();
        try
        {
            await using (var dataSource = database.CreateDataSource())
            {
                await PostgresMigrations.UpAsync(dataSource);
            }

            var clusterId = $"audit{Guid.NewGuid():N}";
            foreach (var name in new[] { "A", "B", "C" })
            {
                nodes.Add(await ClusterNode.StartAsync(name, database, "postgres", clusterId, extra: ["--audit_log", "on"]));
            }

            const int PerNode = 15;
            await Task.WhenAll(nodes.SelectMany(node => Enumerable.Range(0, PerNode).Select(async i =>
            {
                var (status, body) = await node.CallAsync(HttpMethod.Post, "/consumers", $$"""{"username":"{{node.Name}}-{{i}}"}""");
                Assert.True(status == 201, $"{node.Name}-{i}: {status} {body?.ToJsonString()}");
            })));

            await using var store = new PostgresConfigStore(database, TestSchemas.Registry, TimeProvider.System);
            var log = store.OpenAuditLog(new AuditPolicy())!;
            List<AuditEntry> chain = [];
            await Eventually.HoldsAsync(
                async () => (chain = [.. await log.ReadChainAsync(0, 10_000)]).Count(e => e.Table == AuditTable.Requests) >= 3 * PerNode,
                TimeSpan.FromSeconds(20),
                "every node's request records are written");

            Assert.Equal(3 * PerNode, chain.Count(e => e.Table == AuditTable.Objects));
            Assert.Equal(Enumerable.Range(1, chain.Count).Select(i => (long)i), chain.Select(e => e.Sequence));
            var previous = "";
            foreach (var entry in chain)
            {
                var unlinked = (JsonObject)entry.Record.DeepClone();
                unlinked.Remove("hash");
                Assert.Equal(AuditChain.Link(previous, unlinked), (string?)entry.Record["hash"]);
                previous = (string)entry.Record["hash"]!;
            }

            Assert.Equal(3, chain.Where(e => e.Table == AuditTable.Requests).Select(e => (string?)e.Record["node_id"]).Distinct().Count());
            Assert.Equal(previous, (await log.GetHeadAsync()).Hash);
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }

            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }

    [Fact]
    public async Task ARequestMadeWhileTheDatabaseIsDown_IsKeptOnTheNode_AndRecordedWhenItIsBack()
    {
        await using var postgres = await DedicatedPostgres.StartAsync();
        await using (var dataSource = postgres.Settings.CreateDataSource())
        {
            await PostgresMigrations.UpAsync(dataSource);
        }

        using var node = await ClusterNode.StartAsync("A", postgres.Settings, "redis", $"auditdown{Guid.NewGuid():N}", extra: ["--audit_log", "on"]);
        await postgres.StopServerAsync();

        using var refused = await node.Admin.PostAsync("/consumers", JsonContent("""{"username":"during"}"""));
        Assert.Equal(503, (int)refused.StatusCode);
        var requestId = refused.Headers.GetValues("X-Kong-Admin-Request-ID").Single();
        var saved = Path.Combine(node.Prefix, "audit-queue.json");
        await Eventually.HoldsAsync(
            () => File.Exists(saved) && File.ReadAllText(saved).Contains(requestId, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the node keeps the record in prefix/audit-queue.json");

        await postgres.StartServerAsync();

        JsonNode? record = null;
        await Eventually.HoldsAsync(
            async () => (record = (await node.CallAsync(HttpMethod.Get, $"/audit/requests?request_id={requestId}")).Body?["data"]?.AsArray().SingleOrDefault()) is not null,
            TimeSpan.FromSeconds(30),
            "the record is written once the database is back");
        Assert.Equal(503, (int?)record!["status"]);
        Assert.Equal("POST", (string?)record["method"]);
        Assert.Empty((await node.CallAsync(HttpMethod.Get, $"/audit/objects?request_id={requestId}")).Body!["data"]!.AsArray());
        await Eventually.HoldsAsync(() => !File.Exists(saved), TimeSpan.FromSeconds(5), "the saved queue is removed once written");
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
