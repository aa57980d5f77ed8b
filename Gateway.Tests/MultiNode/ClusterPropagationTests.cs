using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// Three node processes on one PostgreSQL database with PostgreSQL membership: a write on any node is
/// visible on every other node's Admin API long before the fallback poll (60 s) could run.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class ClusterPropagationTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private static readonly TimeSpan PushDeadline = TimeSpan.FromSeconds(3);

    private IReadOnlyList<ClusterNode> Nodes => cluster.Nodes;

    [Fact]
    public async Task EveryNode_SeesEveryOtherInItsStatus()
    {
        foreach (var node in Nodes)
        {
            var status = await node.StatusAsync();
            var members = status["cluster"]!["members"]!.AsArray();
            Assert.Equal(3, members.Count);
            Assert.All(members, m => Assert.Equal("active", m!["status"]!.GetValue<string>()));
            Assert.True(status["database"]!["reachable"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task RouteCreatedOnA_IsServedByBAndC_BeforeAnyPoll()
    {
        var (a, b, c) = (Nodes[0], Nodes[1], Nodes[2]);
        var (serviceStatus, service) = await a.CallAsync(HttpMethod.Post, "/services", """{"name":"billing","url":"http://127.0.0.1:9/"}""");
        Assert.Equal(201, serviceStatus);

        var (routeStatus, route) = await a.CallAsync(HttpMethod.Post, "/services/billing/routes", """{"name":"invoices","paths":["/invoices"]}""");
        Assert.Equal(201, routeStatus);

        foreach (var other in new[] { b, c })
        {
            await Eventually.HoldsAsync(
                async () => (await other.CallAsync(HttpMethod.Get, "/routes/invoices")).Status == 200, PushDeadline, $"{other.Name} serves the route");
            var (status, body) = await other.CallAsync(HttpMethod.Get, "/routes/invoices");
            Assert.Equal(200, status);
            Assert.Equal(route!["id"]!.GetValue<string>(), body!["id"]!.GetValue<string>());
            Assert.Equal(service!["id"]!.GetValue<string>(), body["service"]!["id"]!.GetValue<string>());
            await Eventually.HoldsAsync(
                async () => (await other.StatusAsync())["config_snapshot_version"]!.GetValue<long>() >= 2, PushDeadline, $"{other.Name}'s snapshot reaches version 2");
        }
    }

    [Fact]
    public async Task WritesOnDifferentNodes_ConvergeEverywhere_AndUniquenessHoldsAcrossNodes()
    {
        var (a, b, c) = (Nodes[0], Nodes[1], Nodes[2]);
        Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services", """{"name":"s-a","url":"http://127.0.0.1:9/"}""")).Status);
        Assert.Equal(201, (await b.CallAsync(HttpMethod.Post, "/services", """{"name":"s-b","url":"http://127.0.0.1:9/"}""")).Status);

        var (conflict, error) = await c.CallAsync(HttpMethod.Post, "/services", """{"name":"s-a","url":"http://127.0.0.1:9/"}""");
        Assert.Equal(409, conflict);
        Assert.Equal("UNIQUE violation detected on '{name=\"s-a\"}'", error!["message"]!.GetValue<string>());

        Assert.Equal(204, (await c.CallAsync(HttpMethod.Delete, "/services/s-b")).Status);
        foreach (var node in Nodes)
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    var names = Names((await node.CallAsync(HttpMethod.Get, "/services")).Body!).ToList();
                    return names.Contains("s-a") && !names.Contains("s-b");
                },
                PushDeadline,
                $"{node.Name} lists s-a and not s-b");
        }
    }

    [Fact]
    public async Task RefusalOfAWriteWhoseGrainIsOnAnotherNode_ReachesTheAdminApiWithKongsBody()
    {
        var (a, b) = (Nodes[0], Nodes[1]);
        Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services", """{"name":"r-taken","url":"http://127.0.0.1:9/"}""")).Status);
        var (created, other) = await a.CallAsync(HttpMethod.Post, "/services", """{"name":"r-other","url":"http://127.0.0.1:9/"}""");
        Assert.Equal(201, created);
        await Eventually.HoldsAsync(async () => (await b.CallAsync(HttpMethod.Get, "/services/r-other")).Status == 200, PushDeadline, "B has r-other");

        // r-other's writer grain was activated on A by its insert: B's update goes to A's silo, and the refusal comes back.
        var (status, body) = await b.CallAsync(HttpMethod.Patch, $"/services/{other!["id"]!.GetValue<string>()}", """{"name":"r-taken"}""");

        Assert.Equal(409, status);
        JsonAssert.Equal(
            """{"code":5,"name":"unique constraint violation","message":"UNIQUE violation detected on '{name=\"r-taken\"}'","fields":{"name":"r-taken"}}""",
            body);
        var (renamed, renamedBody) = await b.CallAsync(HttpMethod.Patch, "/services/r-other", """{"name":"r-renamed"}""");
        Assert.Equal(200, renamed);
        Assert.Equal("r-renamed", renamedBody!["name"]!.GetValue<string>());
        Assert.Equal(200, (await b.CallAsync(HttpMethod.Get, "/services/r-renamed")).Status);
    }

    private static IEnumerable<string> Names(JsonNode page) => page["data"]!.AsArray().Select(s => s!["name"]!.GetValue<string>());

    [Fact]
    public async Task AWriteOnA_IsObservedInTheGatewayMetricsOfBAndC()
    {
        var a = Nodes[0];
        var (pluginStatus, _) = await a.CallAsync(HttpMethod.Post, "/plugins", """{"name":"prometheus"}""");
        Assert.Equal(201, pluginStatus);
        var (serviceStatus, _) = await a.CallAsync(HttpMethod.Post, "/services", """{"name":"metered","url":"http://127.0.0.1:9/"}""");
        Assert.Equal(201, serviceStatus);
        var version = (long)(await a.StatusAsync())["config_snapshot_version"]!;

        foreach (var node in Nodes)
        {
            var text = "";
            await Eventually.HoldsAsync(
                async () => (text = await node.Status.GetStringAsync("/metrics")).Contains("gateway_config_propagation_seconds_count", StringComparison.Ordinal)
                    && MetricsText.Sample(text, "gateway_config_version") >= version,
                PushDeadline,
                $"{node.Name} serves version {version} and has observed a push");

            Assert.Equal(3, MetricsText.Sample(text, "gateway_cluster_members{status=\"active\"}"));
            Assert.Equal(3, text.Split('\n').Count(l => l.StartsWith("gateway_cluster_member_info{", StringComparison.Ordinal) && l.Contains("status=\"active\"", StringComparison.Ordinal)));
            Assert.True(MetricsText.Sample(text, "gateway_config_propagation_seconds_count") >= 1);
            Assert.InRange(MetricsText.Sample(text, "gateway_config_propagation_seconds_sum"), 0, PushDeadline.TotalSeconds * 100);
            Assert.Equal(1, MetricsText.Sample(text, "kong_datastore_reachable"));
        }
    }
}
