using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Streams;

/// <summary>Stream services on upstreams: the balancer picks each connection's target, retries go to another target, tcp health checks take a dead one out.</summary>
[Collection(StreamNodeCollection.Name)]
public sealed class StreamUpstreamTests(StreamNode fixture)
{
    [Fact]
    public async Task TwoTargets_ConnectionsAlternate()
    {
        await using var one = StreamBackend.Start("target-one");
        await using var two = StreamBackend.Start("target-two");
        var port = await UpstreamRouteAsync("stream-rr.test", null, [$"127.0.0.1:{one.Port}", $"127.0.0.1:{two.Port}"]);
        await Eventually.HoldsAsync(async () => await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port) is not null, TimeSpan.FromSeconds(15), "the route answers");

        var answers = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port));
        }

        Assert.All(answers.Zip(answers.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
        Assert.Equal(2, answers.Count(a => a == "target-one"));
        Assert.Equal(2, answers.Count(a => a == "target-two"));
    }

    [Fact]
    public async Task OneTargetDown_RetriesReachTheOther()
    {
        await using var live = StreamBackend.Start("target-live");
        var port = await UpstreamRouteAsync("stream-retry.test", null, [$"127.0.0.1:{live.Port}", $"127.0.0.1:{FreePorts.Next()}"]);
        await StreamNode.AnsweredByAsync(IPAddress.Loopback, port, live.Name);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(live.Name, await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port));
        }
    }

    [Fact]
    public async Task ActiveTcpCheck_MarksTheDeadTargetUnhealthy_AndConnectionsGoToTheLiveOneWithoutRetries()
    {
        await using var live = StreamBackend.Start("target-healthy");
        var dead = $"127.0.0.1:{FreePorts.Next()}";
        var port = await UpstreamRouteAsync(
            "stream-health.test",
            """{"active":{"type":"tcp","healthy":{"interval":0.1,"successes":1},"unhealthy":{"interval":0.1,"tcp_failures":1}}}""",
            [$"127.0.0.1:{live.Port}", dead],
            retries: 0);

        await Eventually.HoldsAsync(
            async () =>
            {
                var health = await fixture.Node.GetAsync("/upstreams/stream-health.test/health");
                return health["data"]!.AsArray().Any(t => t!["target"]!.GetValue<string>() == dead && t["health"]!.GetValue<string>() == "UNHEALTHY");
            },
            TimeSpan.FromSeconds(15),
            $"{dead} reported UNHEALTHY");

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(live.Name, await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port));
        }
    }

    /// <summary>An upstream (with its healthchecks JSON) with the targets, a tcp service on it and a route for a port of its own; returns the port.</summary>
    private async Task<int> UpstreamRouteAsync(string name, string? healthchecks, string[] targets, int? retries = null)
    {
        var upstream = new JsonObject { ["name"] = name };
        if (healthchecks is not null)
        {
            upstream["healthchecks"] = JsonNode.Parse(healthchecks);
        }

        await fixture.Node.CreateAsync("/upstreams", upstream.ToJsonString());
        foreach (var target in targets)
        {
            await fixture.Node.CreateAsync($"/upstreams/{name}/targets", $$"""{"target":"{{target}}"}""");
        }

        var port = fixture.TakePort();
        var service = retries is null ? $$"""{"url":"tcp://{{name}}:1"}""" : $$"""{"url":"tcp://{{name}}:1","retries":{{retries}}}""";
        await fixture.Node.RouteAsync(service, $$"""{"protocols":["tcp"],"destinations":[{"port":{{port}}}]}""");
        return port;
    }
}
