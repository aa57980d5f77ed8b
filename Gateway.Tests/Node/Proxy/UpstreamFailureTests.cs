using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>Kong's 502, 503 and 504 answers when the upstream is down, slow or missing.</summary>
public sealed class UpstreamFailureTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task BackendDown_502PlainTextByDefault()
    {
        var closedPort = FreePorts.Next();
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{closedPort}}}""", """{"hosts":["down.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "down.test";

        using var response = await Node.Proxy.SendAsync(request);
        var requestId = response.Headers.GetValues("X-Kong-Request-Id").Single();

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal($"An invalid response was received from the upstream server\nrequest_id: {requestId}\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("kong/3.9.1", response.Headers.Server.ToString());
    }

    [Fact]
    public async Task BackendDown_AcceptJson_502Json()
    {
        var closedPort = FreePorts.Next();
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{closedPort}},"retries":0}""", """{"hosts":["down-json.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "down-json.test";
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await Node.Proxy.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("An invalid response was received from the upstream server", body["message"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), body["request_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task BackendSlowerThanReadTimeout_504()
    {
        await Node.RouteAsync(
            $$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}},"read_timeout":300,"retries":0}""",
            """{"hosts":["slow.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/slow?ms=3000");
        request.Headers.Host = "slow.test";
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        var watch = Stopwatch.StartNew();
        using var response = await Node.Proxy.SendAsync(request);
        var requestId = response.Headers.GetValues("X-Kong-Request-Id").Single();

        Assert.Equal(504, (int)response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("<p>The upstream server is timing out.</p>", await response.Content.ReadAsStringAsync());
        Assert.Contains($"<p>request_id: {requestId}</p>", await response.Content.ReadAsStringAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}, as long as the backend");
    }

    [Fact]
    public async Task BackendWithinReadTimeout_200()
    {
        await Node.RouteAsync(
            $$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}},"read_timeout":2000,"retries":0}""",
            """{"hosts":["not-slow.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/slow?ms=100");
        request.Headers.Host = "not-slow.test";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task UnresolvableHost_503NameResolutionFailed()
    {
        await Node.RouteAsync("""{"host":"no-such-host.invalid","port":80}""", """{"hosts":["dns.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "dns.test";

        using var response = await Node.Proxy.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("name resolution failed", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RouteWithoutService_503()
    {
        await Node.CreateAsync("/routes", """{"hosts":["serviceless.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "serviceless.test";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("""{"message":"no Service found with those values"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DisabledService_404()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}},"enabled":false}""", """{"hosts":["disabled.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "disabled.test";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Get_UpstreamClosesBeforeAnswering_TriedRetriesPlusOneTimes()
    {
        // SocketsHttpHandler itself reconnects a few times when a fresh connection closes before any
        // response byte; the gateway's tries come on top: retries = 3 gives four times the connections.
        var once = await ConnectionsForAsync(retries: 0, "retry-0.test");
        var four = await ConnectionsForAsync(retries: 3, "retry-3.test");

        Assert.True(once >= 1);
        Assert.Equal(4 * once, four);
    }

    [Fact]
    public async Task Post_UpstreamClosesBeforeAnswering_NotRetried()
    {
        // nginx does not pass a non-idempotent request on once it reached an upstream (proxy_next_upstream without
        // non_idempotent), buffered body or not.
        await using var closer = await ClosingListener.StartAsync();
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{closer.Port}},"retries":3}""", """{"hosts":["retry-post.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("payload") };
        request.Headers.Host = "retry-post.test";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal(1, closer.Accepted);
    }

    [Fact]
    public async Task PutWithABody_UpstreamClosesBeforeAnswering_TriedRetriesPlusOneTimes()
    {
        // The body is buffered, so an idempotent request with one can be sent again, as nginx's.
        var once = await ConnectionsForAsync(retries: 0, "retry-put-0.test", HttpMethod.Put);
        var four = await ConnectionsForAsync(retries: 3, "retry-put-3.test", HttpMethod.Put);

        Assert.True(once >= 1);
        Assert.Equal(4 * once, four);
    }

    [Fact]
    public async Task Post_ATargetRefusesConnections_TheBodyGoesToTheOther()
    {
        // Nothing reached the refusing target, so nginx passes even a POST on; the buffered body goes again whole.
        await Node.CreateAsync("/upstreams", """{"name":"refusing.upstream"}""");
        await Node.CreateAsync("/upstreams/refusing.upstream/targets", $$"""{"target":"127.0.0.1:{{FreePorts.Next()}}"}""");
        await Node.CreateAsync("/upstreams/refusing.upstream/targets", $$"""{"target":"127.0.0.1:{{fixture.Backend.Port}}"}""");
        await Node.RouteAsync("""{"host":"refusing.upstream","retries":1}""", """{"hosts":["refusing.test"]}""");

        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("twelve bytes") };
            request.Headers.Host = "refusing.test";
            using var response = await Node.Proxy.SendAsync(request);
            var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(12, echo["body_length"]!.GetValue<long>());
        }
    }

    private async Task<int> ConnectionsForAsync(int retries, string host, HttpMethod? method = null)
    {
        await using var closer = await ClosingListener.StartAsync();
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{closer.Port}},"retries":{{retries}}}""", $$"""{"hosts":["{{host}}"]}""");
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, "/");
        if (method == HttpMethod.Put)
        {
            request.Content = new StringContent("payload");
        }

        request.Headers.Host = host;

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(502, (int)response.StatusCode);
        return closer.Accepted;
    }
}
