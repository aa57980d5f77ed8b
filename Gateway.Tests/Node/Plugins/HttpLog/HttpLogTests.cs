using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Queues;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.HttpLog;

/// <summary>http-log against a real backend and a real log collector (Kong's spec/03-plugins/03-http-log).</summary>
public sealed class HttpLogTests : IAsyncLifetime
{
    private Backend _backend = null!;
    private LogReceiver _receiver = null!;
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _receiver = await LogReceiver.StartAsync();
        _node = await TestNode.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _receiver.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task EachRequest_IsPostedAsKongsLogRecord()
    {
        var route = await RouteWithLogAsync("one", $$$"""{"http_endpoint":"http://alice:s3cret@127.0.0.1:{{{_receiver.Port}}}/logs?x=1","headers":{"X-Tag":"t1"}}""");
        using var response = await _node.Proxy.GetAsync("/one/path?a=b");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var received = await _receiver.NextAsync();
        Assert.Equal("POST", received.Method);
        Assert.Equal("/logs?x=1", received.Target);
        Assert.Equal("application/json", received.Headers["content-type"]);
        Assert.Equal("Basic " + Convert.ToBase64String("alice:s3cret"u8.ToArray()), received.Headers["authorization"]);
        Assert.Equal("t1", received.Headers["x-tag"]);

        var log = JsonNode.Parse(received.Body)!.AsObject();
        Assert.Equal("GET", log["request"]!["method"]!.GetValue<string>());
        Assert.Equal("/one/path?a=b", log["request"]!["uri"]!.GetValue<string>());
        Assert.Equal("b", log["request"]!["querystring"]!["a"]!.GetValue<string>());
        Assert.Equal(200, log["response"]!["status"]!.GetValue<int>());
        Assert.Equal("/path?a=b", log["upstream_uri"]!.GetValue<string>());
        Assert.Equal(route, log["route"]!["id"]!.GetValue<string>());
        Assert.Equal("logged", log["service"]!["name"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", log["client_ip"]!.GetValue<string>());
        Assert.Equal("upstream", log["source"]!.GetValue<string>());
        Assert.True(log["latencies"]!["request"]!.GetValue<long>() >= 0);
        Assert.InRange(log["started_at"]!.GetValue<long>(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("?content_length")]
    [InlineData("")]
    [InlineData("?chunks=3")]
    public async Task Sizes_AreTheBytesOnTheWire_AsNginxCountsThem(string query)
    {
        await RouteWithLogAsync("sized", $$$"""{"http_endpoint":"http://127.0.0.1:{{{_receiver.Port}}}/"}""");
        var sent = Encoding.ASCII.GetBytes(
            $"POST /sized/x{query} HTTP/1.1\r\nHost: 127.0.0.1:{_node.ProxyPort}\r\nX-One: a\r\nX-One: bb\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");

        var text = await SendRawAsync(sent);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text);
        var log = JsonNode.Parse((await _receiver.NextAsync()).Body)!.AsObject();
        Assert.Equal(sent.Length, log["request"]!["size"]!.GetValue<long>());
        Assert.Equal(!query.Contains("content_length", StringComparison.Ordinal), text.Contains("Transfer-Encoding: chunked\r\n", StringComparison.Ordinal));
        Assert.Equal(text.Length, log["response"]!["size"]!.GetValue<long>());
        if (query == "?chunks=3")
        {
            // The JSON body has no CRLF: each chunk brings two, the last chunk two more.
            var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
            Assert.Equal(3, (body.Split("\r\n").Length - 1 - 2) / 2);
        }
    }

    [Fact]
    public async Task BatchOfThree_IsOneJsonArray()
    {
        await RouteWithLogAsync("batch", $$$"""{"http_endpoint":"http://127.0.0.1:{{{_receiver.Port}}}/","method":"PUT","content_type":"application/json; charset=utf-8","queue":{"max_batch_size":3,"max_coalescing_delay":5}}""");
        for (var i = 0; i < 3; i++)
        {
            using var response = await _node.Proxy.GetAsync($"/batch/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var received = await _receiver.NextAsync();
        Assert.Equal("PUT", received.Method);
        Assert.Equal("application/json; charset=utf-8", received.Headers["content-type"]);
        var entries = JsonNode.Parse(received.Body)!.AsArray();
        Assert.Equal(["/batch/0", "/batch/1", "/batch/2"], entries.Select(e => e!["request"]!["uri"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task FailedSend_IsRetriedWithBackoff()
    {
        _receiver.FailFirst = 2;
        await RouteWithLogAsync("retry", $$$"""{"http_endpoint":"http://127.0.0.1:{{{_receiver.Port}}}/","queue":{"initial_retry_delay":0.05}}""");
        using var response = await _node.Proxy.GetAsync("/retry");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var first = await _receiver.NextAsync();
        var second = await _receiver.NextAsync();
        var third = await _receiver.NextAsync();
        Assert.True(first.Failed && second.Failed && !third.Failed);
        Assert.Equal(first.Body, third.Body);
        Assert.Equal("/retry", JsonNode.Parse(third.Body)!["request"]!["uri"]!.GetValue<string>());
    }

    [Fact]
    public async Task SlowCollector_DoesNotDelayTheResponse()
    {
        // The collector accepts the connection but never answers, and the plugin would wait ten minutes for
        // it: a response at all (within a generous bound, far below that wait) shows the log is sent off the
        // request path, and the collector still holds the log's unanswered connection afterwards.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await RouteWithLogAsync("silent", $$$"""{"http_endpoint":"http://127.0.0.1:{{{port}}}/","timeout":600000}""");
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var response = await _node.Proxy.GetAsync("/silent", bound.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var pendingLog = await silent.AcceptTcpClientAsync(bound.Token);
        Assert.True(pendingLog.Connected);
    }

    [Fact]
    public async Task Record_RedactsCredentials_KeepsRepeatedHeadersAndQueryAsKong()
    {
        // Kong's kong.log.serialize (3.x): request.id, credentials "REDACTED", a repeated header as an array,
        // get_query's types, upstream_status as a string, latencies.receive and workspace_name.
        await RouteWithLogAsync("rec", $$$"""{"http_endpoint":"http://127.0.0.1:{{{_receiver.Port}}}/"}""");
        var sent = Encoding.ASCII.GetBytes(
            $"GET /rec/x?a=1&a=2&flag&empty=&sp=a+b%21 HTTP/1.1\r\nHost: 127.0.0.1:{_node.ProxyPort}\r\nAuthorization: Basic c2VjcmV0\r\n" +
            "Proxy-Authorization: Basic cHJveHk=\r\nX-Multi: one\r\nX-Multi: two\r\nConnection: close\r\n\r\n");
        var text = await SendRawAsync(sent);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text);
        var requestId = System.Text.RegularExpressions.Regex.Match(text, "X-Kong-Request-Id: ([^\r]+)\r\n", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Groups[1].Value;

        var log = JsonNode.Parse((await _receiver.NextAsync()).Body)!.AsObject();
        var request = log["request"]!.AsObject();
        Assert.Equal(requestId, request["id"]!.GetValue<string>());
        Assert.Equal("REDACTED", request["headers"]!["authorization"]!.GetValue<string>());
        Assert.Equal("REDACTED", request["headers"]!["proxy-authorization"]!.GetValue<string>());
        Assert.Equal("""["one","two"]""", request["headers"]!["x-multi"]!.ToJsonString());
        Assert.Equal("""{"a":["1","2"],"flag":true,"empty":"","sp":"a b!"}""", request["querystring"]!.ToJsonString());
        Assert.False(request.ContainsKey("tls"));
        Assert.Equal("200", log["upstream_status"]!.GetValue<string>());
        Assert.True(log["latencies"]!["receive"]!.GetValue<long>() >= 0);
        Assert.Equal("default", log["workspace_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task GatewayAnswer_HasEmptyUpstreamStatusAndSourceKong()
    {
        var route = await RouteWithLogAsync("ended", $$$"""{"http_endpoint":"http://127.0.0.1:{{{_receiver.Port}}}/"}""");
        await _node.CreateAsync("/plugins", $$$"""{"name":"request-termination","route":{"id":"{{{route}}}"},"config":{"status_code":403,"message":"no"}}""");
        using var response = await _node.Proxy.GetAsync("/ended");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        var log = JsonNode.Parse((await _receiver.NextAsync()).Body)!.AsObject();
        Assert.Equal("", log["upstream_status"]!.GetValue<string>());
        Assert.Equal("kong", log["source"]!.GetValue<string>());
        Assert.Equal(-1, log["latencies"]!["proxy"]!.GetValue<long>());
        Assert.Equal(0, log["latencies"]!["receive"]!.GetValue<long>());
    }

    [Fact]
    public async Task TlsRequest_LogsRequestTls()
    {
        await RouteWithLogAsync("secure", $$$"""{"http_endpoint":"http://127.0.0.1:{{{_receiver.Port}}}/"}""");
        using var response = await _node.ProxyTls.GetAsync("/secure");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var tls = JsonNode.Parse((await _receiver.NextAsync()).Body)!["request"]!["tls"]!;
        Assert.Matches("^TLSv1\\.[23]$", tls["version"]!.GetValue<string>());
        Assert.StartsWith("TLS_", tls["cipher"]!.GetValue<string>());
        Assert.Equal("NONE", tls["client_verify"]!.GetValue<string>());
    }

    [Fact]
    public async Task LegacyQueueSettings_AreAcceptedAndReplaceTheQueueRecord()
    {
        // Kong 3.x still takes retry_count, queue_size and flush_timeout (deprecated until 4.0): queue_size
        // becomes queue.max_batch_size, so two requests arrive as one JSON array.
        await RouteWithLogAsync("legacy", $$$"""{"http_endpoint":"http://127.0.0.1:{{{_receiver.Port}}}/","retry_count":3,"queue_size":2,"flush_timeout":30}""");
        for (var i = 0; i < 2; i++)
        {
            using var response = await _node.Proxy.GetAsync($"/legacy/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var entries = JsonNode.Parse((await _receiver.NextAsync()).Body)!.AsArray();
        Assert.Equal(["/legacy/0", "/legacy/1"], entries.Select(e => e!["request"]!["uri"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task UnlimitedConcurrency_SendsEachEntryAlone()
    {
        // Kong's queue with concurrency_limit -1 hands each entry over alone; max_batch_size > 1 still makes it an array.
        await RouteWithLogAsync("each", $$$"""{"http_endpoint":"http://127.0.0.1:{{{_receiver.Port}}}/","queue":{"concurrency_limit":-1,"max_batch_size":3,"max_coalescing_delay":30}}""");
        for (var i = 0; i < 2; i++)
        {
            using var response = await _node.Proxy.GetAsync($"/each/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var first = JsonNode.Parse((await _receiver.NextAsync()).Body)!.AsArray();
        var second = JsonNode.Parse((await _receiver.NextAsync()).Body)!.AsArray();
        Assert.Equal(["/each/0", "/each/1"], first.Concat(second).Select(e => e!["request"]!["uri"]!.GetValue<string>()).Order());
        Assert.Single(first);
        Assert.Single(second);
    }

    /// <summary>Sends raw bytes to the proxy on a connection of its own and reads everything it answers (ASCII: one char per byte).</summary>
    private async Task<string> SendRawAsync(byte[] sent)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _node.ProxyPort);
        var stream = client.GetStream();
        await stream.WriteAsync(sent);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received);
        return Encoding.ASCII.GetString(received.ToArray());
    }

    private async Task<string> RouteWithLogAsync(string name, string config)
    {
        var service = await _node.CreateAsync("/services", $$"""{"name":"{{(name == "one" ? "logged" : name)}}","host":"127.0.0.1","port":{{_backend.Port}}}""");
        var route = await _node.CreateAsync($"/services/{service["id"]}/routes", $$"""{"paths":["/{{name}}"]}""");
        await _node.CreateAsync("/plugins", $$"""{"name":"http-log","route":{"id":"{{route["id"]}}"},"config":{{config}}}""");
        return route["id"]!.GetValue<string>();
    }
}
