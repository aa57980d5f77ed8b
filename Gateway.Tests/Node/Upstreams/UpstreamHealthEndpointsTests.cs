using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Upstreams;

/// <summary><c>/upstreams/{u}/health</c> and <c>/upstreams/{u}/targets/all</c> on a real node, in Kong 3.9's shapes.</summary>
public sealed class UpstreamHealthEndpointsTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task Health_WithChecksOff_SaysHealthchecksOff_NewestTargetFirst()
    {
        var upstream = await Node.CreateAsync("/upstreams", """{"name":"health-off.test"}""");
        var older = await Node.CreateAsync("/upstreams/health-off.test/targets", """{"target":"10.1.0.1:8080","weight":20}""");
        await Task.Delay(5);
        var newer = await Node.CreateAsync("/upstreams/health-off.test/targets", """{"target":"10.1.0.2"}""");

        var (status, body) = await Node.CallAsync(HttpMethod.Get, "/upstreams/health-off.test/health");

        Assert.Equal(200, status);
        Assert.Null(body!["next"]);
        Assert.True(Guid.TryParse(body["node_id"]!.GetValue<string>(), out _));
        var data = body["data"]!.AsArray();
        Assert.Equal([newer["id"]!.GetValue<string>(), older["id"]!.GetValue<string>()], data.Select(t => t!["id"]!.GetValue<string>()));
        Assert.Equal("HEALTHCHECKS_OFF", data[0]!["health"]!.GetValue<string>());
        Assert.Equal(upstream["id"]!.GetValue<string>(), data[0]!["upstream"]!["id"]!.GetValue<string>());
        JsonAssert.Equal("""
            {"host":"10.1.0.1","port":8080,"dns":"A","nodeWeight":20,
             "weight":{"total":20,"available":20,"unavailable":0},
             "addresses":[{"ip":"10.1.0.1","port":8080,"weight":20,"health":"HEALTHCHECKS_OFF"}]}
            """, data[1]!["data"]);
    }

    [Fact]
    public async Task Health_WithActiveChecks_ShowsTheDownTarget_AndTheBalancerHealth()
    {
        await using var backend = await Backend.StartAsync();
        var closed = $"127.0.0.1:{FreePorts.Next()}";
        await Node.CreateAsync("/upstreams", """
            {"name":"health-on.test","healthchecks":{"active":{"type":"tcp",
              "healthy":{"interval":0.1,"successes":1},"unhealthy":{"interval":0.1,"tcp_failures":1}}}}
            """);
        await Node.CreateAsync("/upstreams/health-on.test/targets", $$"""{"target":"{{backend.Address}}"}""");
        await Node.CreateAsync("/upstreams/health-on.test/targets", $$"""{"target":"{{closed}}","weight":300}""");

        var health = await WaitForAsync("/upstreams/health-on.test/health", b =>
            b["data"]!.AsArray().Any(t => t!["health"]!.GetValue<string>() == "UNHEALTHY"));

        var byTarget = health["data"]!.AsArray().ToDictionary(t => t!["target"]!.GetValue<string>(), t => t!);
        Assert.Equal("HEALTHY", byTarget[backend.Address]["health"]!.GetValue<string>());
        Assert.Equal("UNHEALTHY", byTarget[closed]["health"]!.GetValue<string>());
        JsonAssert.Equal("""{"total":300,"available":0,"unavailable":300}""", byTarget[closed]["data"]!["weight"]);

        var (status, balancer) = await Node.CallAsync(HttpMethod.Get, "/upstreams/health-on.test/health?balancer_health=1");
        Assert.Equal(200, status);
        // 25% of the weight is up, more than the default threshold of 0%: the upstream is healthy.
        Assert.Equal("HEALTHY", balancer!["data"]!["health"]!.GetValue<string>());
        JsonAssert.Equal("""{"total":400,"available":100,"unavailable":300}""", balancer["data"]!["details"]!["weight"]);
        Assert.True(balancer["data"]!["details"]!["healthy"]!.GetValue<bool>());
        Assert.Equal(2, balancer["data"]!["details"]!["hosts"]!.AsArray().Count);
    }

    [Fact]
    public async Task PostUnhealthy_TakesATargetOut_AndPostHealthy_BringsItBack()
    {
        await Node.CreateAsync("/upstreams", """{"name":"manual.test","healthchecks":{"passive":{"unhealthy":{"tcp_failures":3}}}}""");
        var target = await Node.CreateAsync("/upstreams/manual.test/targets", """{"target":"10.4.0.1:80"}""");

        var (down, _) = await Node.CallAsync(HttpMethod.Post, "/upstreams/manual.test/targets/10.4.0.1:80/unhealthy");
        var (_, afterDown) = await Node.CallAsync(HttpMethod.Get, "/upstreams/manual.test/health");
        var (up, _) = await Node.CallAsync(HttpMethod.Post, $"/upstreams/manual.test/targets/{target["id"]}/healthy");
        var (_, afterUp) = await Node.CallAsync(HttpMethod.Get, "/upstreams/manual.test/health");

        Assert.Equal(204, down);
        Assert.Equal("UNHEALTHY", afterDown!["data"]![0]!["health"]!.GetValue<string>());
        Assert.Equal(204, up);
        Assert.Equal("HEALTHY", afterUp!["data"]![0]!["health"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostUnhealthy_OutlivesTheConfigChangesAfterIt()
    {
        await Node.CreateAsync("/upstreams", """{"name":"kept-down.test","healthchecks":{"passive":{"unhealthy":{"tcp_failures":3}}}}""");
        await Node.CreateAsync("/upstreams/kept-down.test/targets", """{"target":"10.6.0.1:80"}""");
        var (down, _) = await Node.CallAsync(HttpMethod.Post, "/upstreams/kept-down.test/targets/10.6.0.1:80/unhealthy");

        // Two new snapshots: another target, and a change to the upstream itself.
        await Node.CreateAsync("/upstreams/kept-down.test/targets", """{"target":"10.6.0.2:80"}""");
        var (patched, _) = await Node.CallAsync(HttpMethod.Patch, "/upstreams/kept-down.test", """{"slots":20000}""");
        var (_, health) = await Node.CallAsync(HttpMethod.Get, "/upstreams/kept-down.test/health");

        Assert.Equal(204, down);
        Assert.Equal(200, patched);
        var byTarget = health!["data"]!.AsArray().ToDictionary(t => t!["target"]!.GetValue<string>(), t => t!["health"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["10.6.0.1:80"] = "UNHEALTHY", ["10.6.0.2:80"] = "HEALTHY" }, byTarget);
    }

    [Fact]
    public async Task PostHealth_WithoutHealthchecks_Is400_AndUnknownTarget404()
    {
        await Node.CreateAsync("/upstreams", """{"name":"no-checks.test"}""");
        await Node.CreateAsync("/upstreams/no-checks.test/targets", """{"target":"10.5.0.1:80"}""");

        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/upstreams/no-checks.test/targets/10.5.0.1:80/unhealthy");
        var (missing, _) = await Node.CallAsync(HttpMethod.Post, "/upstreams/no-checks.test/targets/10.5.0.9:80/unhealthy");

        Assert.Equal(400, status);
        JsonAssert.Equal("""{"message":"no healthchecker found for no-checks.test"}""", body);
        Assert.Equal(404, missing);
    }

    [Fact]
    public async Task Health_PagesWithKongsNumericOffsets()
    {
        await Node.CreateAsync("/upstreams", """{"name":"health-pages.test"}""");
        for (var i = 1; i <= 3; i++)
        {
            await Node.CreateAsync("/upstreams/health-pages.test/targets", $$"""{"target":"10.2.0.{{i}}:80"}""");
        }

        var (_, first) = await Node.CallAsync(HttpMethod.Get, "/upstreams/health-pages.test/health?size=2");
        var (_, second) = await Node.CallAsync(HttpMethod.Get, first!["next"]!.GetValue<string>());

        Assert.Equal("2", first["offset"]!.GetValue<string>());
        Assert.Equal("/upstreams/health-pages.test/health?offset=2", first["next"]!.GetValue<string>());
        Assert.Equal(2, first["data"]!.AsArray().Count);
        Assert.Single(second!["data"]!.AsArray());
        Assert.Null(second["next"]);
    }

    [Fact]
    public async Task TargetsAll_ListsEveryTarget_WeightZeroIncluded()
    {
        var upstream = await Node.CreateAsync("/upstreams", """{"name":"all-targets.test"}""");
        await Node.CreateAsync($"/upstreams/{upstream["id"]}/targets", """{"target":"10.3.0.1:80"}""");
        await Node.CreateAsync("/upstreams/all-targets.test/targets", """{"target":"10.3.0.2:80","weight":0}""");

        var (status, body) = await Node.CallAsync(HttpMethod.Get, "/upstreams/all-targets.test/targets/all");

        Assert.Equal(200, status);
        Assert.Equal(["10.3.0.1:80", "10.3.0.2:80"], body!["data"]!.AsArray().Select(t => t!["target"]!.GetValue<string>()).Order());
        Assert.Null(body["next"]);
        Assert.Null(body["data"]![0]!["health"]);
    }

    [Theory]
    [InlineData("/upstreams/no-such-upstream.test/health")]
    [InlineData("/upstreams/no-such-upstream.test/targets/all")]
    [InlineData("/upstreams/6b8f9e4e-0000-4000-8000-000000000000/health")]
    public async Task UnknownUpstream_Is404(string path)
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Get, path);

        Assert.Equal(404, status);
        JsonAssert.Equal("""{"message":"Not found"}""", body);
    }

    [Fact]
    public async Task OtherMethods_Are405()
    {
        await Node.CreateAsync("/upstreams", """{"name":"methods.test"}""");

        var (post, body) = await Node.CallAsync(HttpMethod.Post, "/upstreams/methods.test/health", "{}");
        var (delete, _) = await Node.CallAsync(HttpMethod.Delete, "/upstreams/methods.test/targets/all");

        Assert.Equal(405, post);
        Assert.Equal(405, delete);
        JsonAssert.Equal("""{"message":"Method not allowed"}""", body);
    }

    private async Task<JsonNode> WaitForAsync(string path, Func<JsonNode, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var (status, body) = await Node.CallAsync(HttpMethod.Get, path);
            Assert.Equal(200, status);
            if (condition(body!))
            {
                return body!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} never got there: {body!.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
