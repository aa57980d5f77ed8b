using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>
/// Request bodies and headers against nginx's limits (small ones here, so the tests stay small): a buffered body is
/// read whole before the upstream hears of it, so one that stalls, breaks or grows too large never reaches it.
/// </summary>
public sealed class RequestLimitsTests(RequestLimitsTests.LimitsFixture fixture) : IClassFixture<RequestLimitsTests.LimitsFixture>
{
    private const string RequestIdLine = "request_id: [0-9a-f]{32}\n";

    private TestNode Node => fixture.Node;

    [Fact]
    public async Task StalledBody_408BeforeTheUpstreamHearsOfIt()
    {
        await using var backend = await Backend.StartAsync();
        await RouteAsync(backend, "stall.test");
        await using var connection = await RawConnection.OpenAsync(Node.ProxyPort);

        await connection.SendAsync("POST / HTTP/1.1\r\nHost: stall.test\r\nContent-Length: 100\r\n\r\n0123456789");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(408, response!.Status);
        Assert.Matches($"^Request timeout\n{RequestIdLine}$", response.Body);
        Assert.Equal("close", response.Headers["Connection"]);
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task BodyCutOffHalfWay_NothingReachesTheUpstream()
    {
        await using var backend = await Backend.StartAsync();
        await RouteAsync(backend, "cut.test");
        await using var connection = await RawConnection.OpenAsync(Node.ProxyPort);

        await connection.SendAsync("POST / HTTP/1.1\r\nHost: cut.test\r\nContent-Length: 100\r\n\r\n0123456789");
        connection.EndSending();

        // The node is done with the request once it has closed the connection.
        Assert.True(await connection.ClosedByServerAsync());
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task MalformedChunk_400BeforeTheUpstream()
    {
        await using var backend = await Backend.StartAsync();
        await RouteAsync(backend, "bad-chunk.test");

        var response = await RawConnection.ExchangeAsync(Node.ProxyPort,
            "POST / HTTP/1.1\r\nHost: bad-chunk.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n");

        Assert.Equal(400, response.Status);
        Assert.Matches($"^Bad request\n{RequestIdLine}$", response.Body);
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task ChunkedBody_BufferedAndSentWithItsLength()
    {
        await RouteAsync(fixture.Backend, "chunked.test");

        var response = await RawConnection.ExchangeAsync(Node.ProxyPort,
            "POST / HTTP/1.1\r\nHost: chunked.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
        var echo = JsonNode.Parse(response.Body)!;

        Assert.Equal(200, response.Status);
        Assert.Equal(7, echo["body_length"]!.GetValue<long>());
        Assert.Equal("7", echo["headers"]!["content-length"]!.GetValue<string>());
        Assert.Null(echo["headers"]!["transfer-encoding"]);
    }

    [Fact]
    public async Task BodyPastTheMemoryBuffer_ReachesTheUpstreamWhole_AndItsFileGoes()
    {
        await RouteAsync(fixture.Backend, "file-buffered.test");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(new byte[LimitsFixture.MaxBody]) };
        request.Headers.Host = "file-buffered.test";

        using var response = await Node.Proxy.SendAsync(request);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(LimitsFixture.MaxBody, echo["body_length"]!.GetValue<long>());
        await Eventually.HoldsAsync(
            () => !Directory.EnumerateFiles(Path.Combine(Node.Prefix, "client_body_temp")).Any(), TimeSpan.FromSeconds(20), "the body's file was removed");
    }

    [Fact]
    public async Task ContentLengthPastTheLimit_413BeforeTheUpstream()
    {
        await using var backend = await Backend.StartAsync();
        await RouteAsync(backend, "too-large.test");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(new byte[LimitsFixture.MaxBody + 1]) };
        request.Headers.Host = "too-large.test";
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await Node.Proxy.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal("Payload too large", body["message"]!.GetValue<string>());
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task ChunkedBodyGrowingPastTheLimit_413BeforeTheUpstream()
    {
        await using var backend = await Backend.StartAsync();
        await RouteAsync(backend, "grows.test");
        var chunk = new string('a', 16 * 1024);
        var chunks = new StringBuilder();
        for (var sent = 0; sent <= LimitsFixture.MaxBody; sent += chunk.Length)
        {
            chunks.Append($"{chunk.Length:x}\r\n{chunk}\r\n");
        }

        var response = await RawConnection.ExchangeAsync(Node.ProxyPort,
            $"POST / HTTP/1.1\r\nHost: grows.test\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}0\r\n\r\n");

        Assert.Equal(413, response.Status);
        Assert.Matches($"^Payload too large\n{RequestIdLine}$", response.Body);
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task RequestBufferingOff_TheUpstreamGetsTheRequestBeforeTheBodyEnds()
    {
        await using var backend = await Backend.StartAsync();
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"hosts":["streamed.test"],"request_buffering":false}""");
        await using var connection = await RawConnection.OpenAsync(Node.ProxyPort);

        await connection.SendAsync("POST / HTTP/1.1\r\nHost: streamed.test\r\nContent-Length: 100\r\n\r\n0123456789");

        await Eventually.HoldsAsync(() => backend.Requests == 1, TimeSpan.FromSeconds(20), "the streamed request reached the backend");
    }

    [Fact]
    public async Task RequestLineLongerThanABuffer_414()
    {
        var response = await RawConnection.ExchangeAsync(Node.ProxyPort,
            $"GET /{new string('a', LimitsFixture.HeaderBuffer)} HTTP/1.1\r\nHost: any.test\r\n\r\n");

        Assert.Equal(414, response.Status);
    }

    [Fact]
    public async Task HeadersPastAllBuffers_431_WhileAFullBufferPasses()
    {
        await RouteAsync(fixture.Backend, "headers.test");
        var fits = new string('a', LimitsFixture.HeaderBuffer - 100);
        var tooMany = string.Concat(Enumerable.Range(0, LimitsFixture.HeaderBuffers + 1).Select(i => $"X-Big-{i}: {fits}\r\n"));

        var refused = await RawConnection.ExchangeAsync(Node.ProxyPort, $"GET / HTTP/1.1\r\nHost: headers.test\r\n{tooMany}\r\n");
        var passed = await RawConnection.ExchangeAsync(Node.ProxyPort, $"GET / HTTP/1.1\r\nHost: headers.test\r\nX-Big: {fits}\r\nConnection: close\r\n\r\n");

        Assert.Equal(431, refused.Status);
        Assert.Equal(200, passed.Status);
    }

    [Fact]
    public async Task HeadersThatNeverEnd_408()
    {
        await using var connection = await RawConnection.OpenAsync(Node.ProxyPort);

        await connection.SendAsync("GET / HTTP/1.1\r\nHost: slow-headers.test\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(408, response!.Status);
    }

    private Task RouteAsync(Backend backend, string host) =>
        Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", $$"""{"hosts":["{{host}}"]}""");

    /// <summary>A node with small limits: 64k bodies, 1k of them in memory, 1 s to wait for a body's bytes or the headers, 4 header buffers of 1k.</summary>
    public sealed class LimitsFixture : NodeFixture
    {
        /// <summary>nginx_http_client_max_body_size.</summary>
        public const int MaxBody = 64 * 1024;

        /// <summary>The number of nginx_http_large_client_header_buffers.</summary>
        public const int HeaderBuffers = 4;

        /// <summary>The size of one of nginx_http_large_client_header_buffers.</summary>
        public const int HeaderBuffer = 1024;

        /// <inheritdoc />
        protected override string[] NodeArguments =>
        [
            "--nginx_http_client_max_body_size", "64k",
            "--nginx_http_client_body_buffer_size", "1k",
            "--nginx_http_client_body_timeout", "1s",
            "--nginx_http_client_header_timeout", "1s",
            "--nginx_http_large_client_header_buffers", $"{HeaderBuffers} 1k",
        ];
    }
}
