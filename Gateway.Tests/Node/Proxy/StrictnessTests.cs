using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>What nginx (and so Kong) refuses or keeps to itself, checked at the backend: methods, framing, hop-by-hop headers, fragments, paths.</summary>
public sealed class StrictnessTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private const string RequestIdLine = "request_id: [0-9a-f]{32}\n";

    private TestNode Node => fixture.Node;

    [Fact]
    public async Task Trace_405WithKongsErrorBody_NothingReachesTheBackend()
    {
        await using var backend = await Backend.StartAsync();
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"hosts":["trace.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Trace, "/anything");
        request.Headers.Host = "trace.test";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Matches($"^Method not allowed\n{RequestIdLine}$", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("kong/3.9.1", response.Headers.Server.ToString());
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task Trace_AcceptJson_JsonBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Trace, "/");
        request.Headers.Host = "no-route-needed.test";
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await Node.Proxy.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("Method not allowed", body["message"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), body["request_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConnectionHeader_TheHeadersItNamesAndProxy_NotForwarded()
    {
        await RouteToEchoAsync("hop.test");

        // HttpClient sends only the connection options of a Connection header.
        var response = await RawConnection.ExchangeAsync(Node.ProxyPort,
            "GET / HTTP/1.1\r\nHost: hop.test\r\nConnection: close, X-Secret\r\nConnection: x-forwarded-for,,x-other\r\n"
            + "X-Secret: hop-only\r\nX-Other: hop-only\r\nX-Kept: end-to-end\r\nProxy: http://attacker.test\r\n\r\n");
        var headers = JsonNode.Parse(response.Body)!["headers"]!;

        Assert.Null(headers["x-secret"]);
        Assert.Null(headers["x-other"]);
        Assert.Null(headers["proxy"]);
        Assert.Equal("end-to-end", headers["x-kept"]!.GetValue<string>());

        // What Kong sets itself goes on whatever the client's Connection says.
        Assert.Equal("127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpstreamConnectionHeader_TheHeadersItNames_NotReturned()
    {
        await using var backend = await Backend.StartAsync(context =>
        {
            context.Response.Headers.Connection = "X-Internal";
            context.Response.Headers["X-Internal"] = "hop-only";
            context.Response.Headers["X-Public"] = "end-to-end";
            return Task.CompletedTask;
        });
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"hosts":["hop-back.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "hop-back.test";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Internal"));
        Assert.Equal("end-to-end", response.Headers.GetValues("X-Public").Single());
    }

    [Fact]
    public async Task ContentLengthAndTransferEncoding_400AndClosed_NothingReachesTheBackend()
    {
        await using var backend = await Backend.StartAsync();
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"hosts":["cl-te.test"]}""");
        await using var connection = await RawConnection.OpenAsync(Node.ProxyPort);

        await connection.SendAsync(
            "POST / HTTP/1.1\r\nHost: cl-te.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(400, response!.Status);
        Assert.Matches($"^Bad request\n{RequestIdLine}$", response.Body);
        Assert.True(await connection.ClosedByServerAsync());
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task ChunkedWithTheClientsOwnXContentLength_Forwarded()
    {
        await RouteToEchoAsync("own-x-content-length.test");

        var response = await RawConnection.ExchangeAsync(Node.ProxyPort,
            "POST / HTTP/1.1\r\nHost: own-x-content-length.test\r\nTransfer-Encoding: chunked\r\nX-Content-Length: 3\r\nX-After: 1\r\n"
            + "Accept: application/json\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        var echo = JsonNode.Parse(response.Body)!;

        Assert.Equal(200, response.Status);
        Assert.Equal("3", echo["headers"]!["x-content-length"]!.GetValue<string>());
        Assert.Equal(3, echo["body_length"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("/frag/a?x=1#top", "/frag/a?x=1")]
    [InlineData("/frag/b#top?x=1", "/frag/b")]
    [InlineData("/frag/c#", "/frag/c")]
    public async Task Fragment_NotForwarded(string target, string upstream)
    {
        await RouteToEchoAsync("fragment.test");

        var echo = await RawEchoAsync(target, "fragment.test");

        Assert.Equal(upstream, echo["target"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/norm/a/..%2fb", "/norm/a/..%2Fb")]
    [InlineData("/norm/a/%2e%2e/b", "/norm/b")]
    [InlineData("/norm/a/.%2E/b", "/norm/b")]
    [InlineData("/norm//a/./b", "/norm/a/b")]
    [InlineData("/norm/a%c0%afb", "/norm/a%C0%AFb")]
    [InlineData("/norm/%c0%ae%c0%ae/b", "/norm/%C0%AE%C0%AE/b")]
    public async Task Path_NormalizedAsKong_BeforeItGoesUpstream(string target, string upstream)
    {
        await RouteToEchoAsync("normalize.test");

        var echo = await RawEchoAsync(target, "normalize.test");

        Assert.Equal(upstream, echo["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task EncodedSlashDotDot_DoesNotClimbOutOfAPrefixRoute()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}},"path":"/inner"}""", """{"hosts":["climb.test"],"paths":["/public"]}""");

        var echo = await RawEchoAsync("/public/..%2f..%2fadmin", "climb.test");

        Assert.Equal("/inner/..%2F..%2Fadmin", echo["target"]!.GetValue<string>());
    }

    private Task RouteToEchoAsync(string host) =>
        Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}}}""", $$"""{"hosts":["{{host}}"]}""");

    private async Task<JsonNode> RawEchoAsync(string target, string host)
    {
        var response = await RawConnection.ExchangeAsync(Node.ProxyPort, $"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        Assert.Equal(200, response.Status);
        return JsonNode.Parse(response.Body)!;
    }
}
