using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>Requests through a node to a real Kestrel backend: paths, headers both ways, bodies.</summary>
public sealed class ForwardingTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    private int BackendPort => fixture.Backend.Port;

    [Fact]
    public async Task Get_StripPathAndServicePath_UpstreamGetsJoinedPathAndQuery()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}},"path":"/base"}""", """{"hosts":["strip.test"],"paths":["/api"]}""");

        var (response, echo) = await GetAsync("/api/users/%7Ebob?x=1&y=%20", "strip.test");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/base/users/~bob?x=1&y=%20", echo["target"]!.GetValue<string>());
        Assert.Equal("GET", echo["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_UpstreamRequestHeaders_AsKongSendsThem()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"hosts":["headers.test"],"paths":["/pre"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/pre/fix/x?q=1");
        request.Headers.Host = "Headers.Test:1234";
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.0.0.1");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "spoofed.test");
        request.Headers.TryAddWithoutValidation("X-Real-IP", "10.9.9.9");

        var (response, echo) = await SendAsync(request);
        var headers = echo["headers"]!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/fix/x?q=1", echo["target"]!.GetValue<string>());
        Assert.Equal($"127.0.0.1:{BackendPort}", headers["host"]!.GetValue<string>());
        Assert.Equal("10.0.0.1, 127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());

        // The client is not in trusted_ips: its X-Forwarded-* values are replaced by Kong's own.
        Assert.Equal("http", headers["x-forwarded-proto"]!.GetValue<string>());
        Assert.Equal("headers.test", headers["x-forwarded-host"]!.GetValue<string>());
        Assert.Equal(Node.ProxyPort.ToString(System.Globalization.CultureInfo.InvariantCulture), headers["x-forwarded-port"]!.GetValue<string>());
        Assert.Equal("/pre/fix/x", headers["x-forwarded-path"]!.GetValue<string>());
        Assert.Equal("/pre", headers["x-forwarded-prefix"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", headers["x-real-ip"]!.GetValue<string>());
        Assert.Equal("1.1 kong/3.9.1", headers["via"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), headers["x-kong-request-id"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{32}$", headers["x-kong-request-id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_ResponseHeaders_ViaLatenciesAndRequestId()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"hosts":["response.test"]}""");

        var (response, _) = await GetAsync("/anything", "response.test");

        Assert.Equal("1.1 backend, 1.1 kong/3.9.1", string.Join(", ", response.Headers.GetValues("Via")));
        Assert.Matches("^[0-9]+$", response.Headers.GetValues("X-Kong-Upstream-Latency").Single());
        Assert.Matches("^[0-9]+$", response.Headers.GetValues("X-Kong-Proxy-Latency").Single());
        Assert.Matches("^[0-9a-f]{32}$", response.Headers.GetValues("X-Kong-Request-Id").Single());
        Assert.Equal("one", response.Headers.GetValues("X-Backend").Single());
        Assert.False(response.Headers.Contains("X-Kong-Response-Latency"));
    }

    [Fact]
    public async Task Get_EmptyQuery_KeptAsSent()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"hosts":["empty-query.test"]}""");

        var (_, echo) = await GetAsync("/q?", "empty-query.test");

        Assert.Equal("/q?", echo["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_PreserveHost_SendsClientHost()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"hosts":["preserve.test"],"preserve_host":true}""");

        var (_, echo) = await GetAsync("/", "preserve.test:8123");

        Assert.Equal("preserve.test:8123", echo["headers"]!["host"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_LargeBody_ReachesUpstreamWhole()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"hosts":["body.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new ByteArrayContent(new byte[3_000_000]) };
        request.Headers.Host = "body.test";

        var (response, echo) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3_000_000, echo["body_length"]!.GetValue<long>());
        Assert.Equal("POST", echo["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_UpstreamStatus_PassesThrough()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"hosts":["status.test"]}""");

        var (response, _) = await GetAsync("/status/418", "status.test");

        Assert.Equal(418, (int)response.StatusCode);
    }

    [Fact]
    public async Task Get_NoRoute_Kong404WithRequestId()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/nothing");
        request.Headers.Host = "no-such-route.test";

        using var response = await Node.Proxy.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no Route matched with those values", body["message"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), body["request_id"]!.GetValue<string>());
        Assert.Equal("kong/3.9.1", response.Headers.Server.ToString());
        Assert.Matches("^[0-9]+$", response.Headers.GetValues("X-Kong-Response-Latency").Single());
    }

    [Fact]
    public async Task Get_HttpsOnlyRouteOnPlainHttp_Kong426()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"hosts":["tls-only.test"],"protocols":["https"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "tls-only.test";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(426, (int)response.StatusCode);
        Assert.Equal("""{"message":"Please use HTTPS protocol"}""", await response.Content.ReadAsStringAsync());
        Assert.Contains("Upgrade", response.Headers.Connection);
        Assert.Equal("TLS/1.2, HTTP/1.1", string.Join(", ", response.Headers.Upgrade.Select(u => u.ToString())));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Get_HttpsOnlyRouteWithRedirectCode_RedirectsToHttps(int code)
    {
        await Node.RouteAsync(
            $$"""{"host":"127.0.0.1","port":{{BackendPort}}}""",
            $$"""{"hosts":["redirect{{code}}.test"],"protocols":["https"],"https_redirect_status_code":{{code}}}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/some/path?a=b");
        request.Headers.Host = $"redirect{code}.test:{Node.ProxyPort}";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(code, (int)response.StatusCode);
        Assert.Equal($"https://redirect{code}.test/some/path?a=b", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Get_HttpsOnlyRouteOverTls_Proxied()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"hosts":["tls-ok.test"],"protocols":["https"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/over-tls") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Host = "tls-ok.test";

        using var response = await Node.ProxyTls.SendAsync(request);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(2, 0), response.Version);
        Assert.Equal("https", echo["headers"]!["x-forwarded-proto"]!.GetValue<string>());
        Assert.Equal("HTTP/1.1", echo["protocol"]!.GetValue<string>());
        Assert.Equal("1.1 backend, 2 kong/3.9.1", string.Join(", ", response.Headers.GetValues("Via")));
    }

    [Fact]
    public async Task Get_SnisRoute_MatchesOnTheTlsServerName()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"snis":["sni-route.test"],"protocols":["https"],"paths":["/by-sni"]}""");

        // SocketsHttpHandler sends the Host header as the TLS server name.
        using var matching = new HttpRequestMessage(HttpMethod.Get, "/by-sni") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        matching.Headers.Host = "sni-route.test";
        using var other = new HttpRequestMessage(HttpMethod.Get, "/by-sni") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        other.Headers.Host = "other-sni.test";

        using var ok = await Node.ProxyTls.SendAsync(matching);
        using var missing = await Node.ProxyTls.SendAsync(other);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Get_RegexRoute_MatchesAndStrips()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{BackendPort}}}""", """{"hosts":["regex.test"],"paths":["~/items/(?<id>\\d+)"]}""");

        var (ok, echo) = await GetAsync("/items/42/detail", "regex.test");
        var (missing, _) = await GetAsync("/items/abc", "regex.test");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("/detail", echo["target"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private Task<(HttpResponseMessage Response, JsonNode Echo)> GetAsync(string path, string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return SendAsync(request);
    }

    private async Task<(HttpResponseMessage Response, JsonNode Echo)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var response = await Node.Proxy.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            JsonNode echo;
            try
            {
                echo = JsonNode.Parse(text) ?? new JsonObject();
            }
            catch (System.Text.Json.JsonException)
            {
                echo = new JsonObject { ["raw"] = text };
            }

            return (response, echo);
        }
    }
}
