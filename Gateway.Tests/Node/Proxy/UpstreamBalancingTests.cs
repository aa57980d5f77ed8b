using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>A service whose host names an upstream goes through that upstream's balancer, end to end.</summary>
public sealed class UpstreamBalancingTests : IAsyncLifetime
{
    private TestNode? _node;
    private Backend? _first;
    private Backend? _second;

    private TestNode Node => _node!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _first = await Backend.StartAsync("first");
        _second = await Backend.StartAsync("second");
    }

    public async Task DisposeAsync()
    {
        await _node!.DisposeAsync();
        await _first!.DisposeAsync();
        await _second!.DisposeAsync();
    }

    [Fact]
    public async Task RoundRobin_SpreadsByWeight_AndSendsTheTargetsHostHeader()
    {
        await Node.CreateAsync("/upstreams", """{"name":"weighted.upstream"}""");
        await Node.CreateAsync("/upstreams/weighted.upstream/targets", $$"""{"target":"127.0.0.1:{{_first!.Port}}","weight":300}""");
        await Node.CreateAsync("/upstreams/weighted.upstream/targets", $$"""{"target":"127.0.0.1:{{_second!.Port}}","weight":100}""");
        await Node.RouteAsync("""{"host":"weighted.upstream"}""", """{"hosts":["balanced.test"]}""");

        var hits = await SendAsync("balanced.test", 40);

        Assert.Equal(30, hits.GetValueOrDefault("first"));
        Assert.Equal(10, hits.GetValueOrDefault("second"));
    }

    [Fact]
    public async Task PassiveCheck_TakesADeadTargetOut_AndTheOtherServesEverything()
    {
        var deadPort = FreePorts.Next();
        await Node.CreateAsync("/upstreams", """
            {"name":"passive.upstream","healthchecks":{"passive":{"unhealthy":{"tcp_failures":1}}}}
            """);
        await Node.CreateAsync("/upstreams/passive.upstream/targets", $$"""{"target":"127.0.0.1:{{_first!.Port}}"}""");
        await Node.CreateAsync("/upstreams/passive.upstream/targets", $$"""{"target":"127.0.0.1:{{deadPort}}"}""");
        await Node.RouteAsync("""{"host":"passive.upstream","retries":1}""", """{"hosts":["passive.test"]}""");

        var hits = await SendAsync("passive.test", 20);

        Assert.Equal(20, hits.GetValueOrDefault("first"));
        var (_, health) = await CallAdminAsync("/upstreams/passive.upstream/health");
        var dead = health!["data"]!.AsArray().Single(t => t!["target"]!.GetValue<string>() == $"127.0.0.1:{deadPort}");
        Assert.Equal("UNHEALTHY", dead!["health"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoHealthyTarget_Is503WithKongsMessage()
    {
        await Node.CreateAsync("/upstreams", """{"name":"empty.upstream"}""");
        await Node.RouteAsync("""{"host":"empty.upstream"}""", """{"hosts":["empty.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "empty.test";
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("failure to get a peer from the ring-balancer", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task HashOnConsumer_EachAuthenticatedConsumerSticksToOneTarget_AndConsumersSpread()
    {
        await Node.CreateAsync("/upstreams", """{"name":"sticky.upstream","algorithm":"consistent-hashing","hash_on":"consumer"}""");
        await Node.CreateAsync("/upstreams/sticky.upstream/targets", $$"""{"target":"127.0.0.1:{{_first!.Port}}"}""");
        await Node.CreateAsync("/upstreams/sticky.upstream/targets", $$"""{"target":"127.0.0.1:{{_second!.Port}}"}""");
        var routeId = await Node.RouteAsync("""{"host":"sticky.upstream"}""", """{"hosts":["sticky.test"]}""");
        await Node.CreateAsync($"/routes/{routeId}/plugins", """{"name":"key-auth"}""");
        var targets = new HashSet<string>();
        for (var i = 1; i <= 8; i++)
        {
            // Fixed ids: which target a consumer hashes to is then the same on every run.
            await Node.CreateAsync("/consumers", $$"""{"id":"c0a5e000-0000-4000-8000-00000000000{{i}}","username":"consumer-{{i}}"}""");
            await Node.CreateAsync($"/consumers/consumer-{i}/key-auth", $$"""{"key":"key-{{i}}"}""");
            var hits = await SendAsync("sticky.test", 5, ("apikey", $"key-{i}"));
            Assert.Single(hits);
            targets.Add(hits.Keys.Single());
        }

        Assert.Equal(["first", "second"], targets.Order());
    }

    private async Task<Dictionary<string, int>> SendAsync(string host, int count, (string Name, string Value)? header = null)
    {
        var hits = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Host = host;
            if (header is var (name, value))
            {
                request.Headers.Add(name, value);
            }

            using var response = await Node.Proxy.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
            var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var backend = echo["backend"]!.GetValue<string>();
            Assert.StartsWith("127.0.0.1:", echo["headers"]!["host"]!.GetValue<string>());
            hits[backend] = hits.GetValueOrDefault(backend) + 1;
        }

        return hits;
    }

    private async Task<(int Status, JsonNode? Body)> CallAdminAsync(string path)
    {
        using var response = await Node.Admin.GetAsync(path);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }
}
