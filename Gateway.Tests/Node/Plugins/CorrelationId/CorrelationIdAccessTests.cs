using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.CorrelationId;

/// <summary>Plugin: correlation-id, as Kong's spec/03-plugins/11-correlation-id/01-access_spec.lua.</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class CorrelationIdAccessTests(PluginNode node)
{
    private const string Uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    [Fact]
    public async Task Default_SendsUuidCounterUpstream_AndCountsUp()
    {
        var path = await node.RouteWithPluginsAsync(("correlation-id", "{}"));
        using var first = await node.SendAsync(HttpMethod.Get, path);
        using var second = await node.SendAsync(HttpMethod.Get, path);
        var id1 = (await PluginNode.UpstreamHeadersAsync(first))["kong-request-id"]!.GetValue<string>();
        var id2 = (await PluginNode.UpstreamHeadersAsync(second))["kong-request-id"]!.GetValue<string>();
        Assert.Matches($"^{Uuid}#\\d+$", id1);
        Assert.Equal(id1.Split('#')[0], id2.Split('#')[0]);
        Assert.Equal(long.Parse(id1.Split('#')[1]) + 1, long.Parse(id2.Split('#')[1]));
        Assert.False(first.Headers.Contains("Kong-Request-ID"));
    }

    [Fact]
    public async Task UuidGenerator_CustomHeader_EchoedDownstream()
    {
        var path = await node.RouteWithPluginsAsync(("correlation-id", """{"header_name":"X-Trace","generator":"uuid","echo_downstream":true}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        var upstream = (await PluginNode.UpstreamHeadersAsync(response))["x-trace"]!.GetValue<string>();
        Assert.Matches($"^{Uuid}$", upstream);
        Assert.Equal(upstream, response.Headers.GetValues("X-Trace").Single());
    }

    [Fact]
    public async Task ClientId_IsKept()
    {
        var path = await node.RouteWithPluginsAsync(("correlation-id", """{"echo_downstream":true}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("Kong-Request-ID", "from-client"));
        Assert.Equal("from-client", (await PluginNode.UpstreamHeadersAsync(response))["kong-request-id"]!.GetValue<string>());
        Assert.Equal("from-client", response.Headers.GetValues("Kong-Request-ID").Single());
    }

    [Fact]
    public async Task Tracker_HasSixParts()
    {
        var path = await node.RouteWithPluginsAsync(("correlation-id", """{"generator":"tracker"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        var id = (await PluginNode.UpstreamHeadersAsync(response))["kong-request-id"]!.GetValue<string>();
        Assert.Matches(new Regex(@"^127\.0\.0\.1-\d+-\d+-.+-\d+-\d+\.\d{3}$"), id);
    }

    [Fact]
    public async Task PluginAnswer_StillGetsTheEchoedHeader()
    {
        // Header filters run on answers plugins give, as Kong's.
        var path = await node.RouteWithPluginsAsync(
            ("correlation-id", """{"echo_downstream":true}"""),
            ("request-termination", """{"status_code":403,"message":"no"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Matches($"^{Uuid}#\\d+$", response.Headers.GetValues("Kong-Request-ID").Single());
    }

    [Fact]
    public async Task Tracker_MatchesKongsPattern_AndCountsTheRequestsOfAConnection()
    {
        var path = await node.RouteWithPluginsAsync(("correlation-id", """{"generator":"tracker"}"""));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = node.Proxy.BaseAddress };
        using var first = await client.GetAsync(path);
        using var second = await client.GetAsync(path);
        var id1 = (await PluginNode.UpstreamHeadersAsync(first))["kong-request-id"]!.GetValue<string>();
        var id2 = (await PluginNode.UpstreamHeadersAsync(second))["kong-request-id"]!.GetValue<string>();

        // Kong's TRACKER_PATTERN: address, port, pid, connection serial, requests on it, seconds.milliseconds.
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+\.\d+-\d+-\d+-\d+-\d+-\d{10}\.\d{3}$"), id1);
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+\.\d+-\d+-\d+-\d+-\d+-\d{10}\.\d{3}$"), id2);
        var (parts1, parts2) = (id1.Split('-'), id2.Split('-'));
        Assert.Equal(parts1[3], parts2[3]);
        Assert.Equal(long.Parse(parts1[4]) + 1, long.Parse(parts2[4]));
    }

    [Fact]
    public async Task ClientIdSentEmpty_IsKept()
    {
        // kong.request.get_header returns "" for a header sent empty, which Lua counts as present.
        var path = await node.RouteWithPluginsAsync(("correlation-id", "{}"));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("Kong-Request-ID", ""));
        Assert.Equal("", (await PluginNode.UpstreamHeadersAsync(response))["kong-request-id"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpstreamDown_StillGetsTheEchoedHeader()
    {
        // Kong's "echo_downstream sends uuid back to client even when upstream timeouts".
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var service = await node.Node.CreateAsync("/services", $$"""{"host":"127.0.0.1","port":{{port}},"retries":0}""");
        var path = "/cid-down-" + Guid.NewGuid().ToString("N");
        var route = await node.Node.CreateAsync($"/services/{service["id"]}/routes", $$"""{"paths":["{{path}}"]}""");
        await node.Node.CreateAsync($"/routes/{route["id"]}/plugins", """{"name":"correlation-id","config":{"generator":"uuid","echo_downstream":true}}""");
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(502, (int)response.StatusCode);
        Assert.Matches($"^{Uuid}$", response.Headers.GetValues("Kong-Request-ID").Single());
    }
}
