using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Streams;

/// <summary>
/// Plugins on stream routes, as Kong runs them in the stream subsystem: ip-restriction in preread, file-log's stream
/// record, prometheus's stream metrics; and beyond Kong, rate-limiting of connections per client address.
/// </summary>
[Collection(StreamNodeCollection.Name)]
public sealed class StreamPluginTests(StreamNode fixture)
{
    [Fact]
    public async Task IpRestriction_DeniedClientClosed_AllowedClientServed()
    {
        await using var backend = StreamBackend.Start("restricted");
        var port = fixture.TakePort();
        var route = await fixture.Node.RouteAsync(
            $$"""{"url":"tcp://127.0.0.1:{{backend.Port}}"}""", $$"""{"protocols":["tcp"],"destinations":[{"port":{{port}}}]}""");
        await fixture.Node.CreateAsync($"/routes/{route}/plugins", """{"name":"ip-restriction","protocols":["tcp"],"config":{"deny":["127.0.6.6"]}}""");
        await Eventually.HoldsAsync(
            async () => await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, new IPEndPoint(IPAddress.Parse("127.0.6.6"), 0)) is null,
            TimeSpan.FromSeconds(15),
            "the denied client is closed");
        var before = backend.Connections;

        Assert.Equal(backend.Name, await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, new IPEndPoint(IPAddress.Parse("127.0.6.7"), 0)));
        Assert.Null(await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, new IPEndPoint(IPAddress.Parse("127.0.6.6"), 0)));
        Assert.Equal(before + 1, backend.Connections);
    }

    [Fact]
    public async Task RateLimiting_ClosesConnectionsPastTheLimit_PerClientAddress()
    {
        await using var backend = StreamBackend.Start("limited");
        var port = fixture.TakePort();
        var route = await fixture.Node.RouteAsync(
            $$"""{"url":"tcp://127.0.0.1:{{backend.Port}}"}""", $$"""{"protocols":["tcp"],"destinations":[{"port":{{port}}}]}""");

        // An hour's window, so the test cannot straddle a window boundary.
        await fixture.Node.CreateAsync($"/routes/{route}/plugins", """{"name":"rate-limiting","protocols":["tcp"],"config":{"hour":2,"limit_by":"ip","policy":"local"}}""");
        var first = new IPEndPoint(IPAddress.Parse("127.0.7.1"), 0);
        await Eventually.HoldsAsync(
            async () => await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, first) is null,
            TimeSpan.FromSeconds(15),
            "connections past the limit are closed");

        var other = new IPEndPoint(IPAddress.Parse("127.0.7.2"), 0);
        Assert.Equal(backend.Name, await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, other));
        Assert.Equal(backend.Name, await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, other));
        var before = backend.Connections;
        Assert.Null(await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, other));
        Assert.Null(await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, first));
        Assert.Equal(before, backend.Connections);
    }

    [Fact]
    public async Task FileLog_WritesKongsStreamRecord_WithTheByteCounts()
    {
        await using var backend = StreamBackend.Start("logged");
        var port = await fixture.TcpRouteAsync(backend);
        var route = await RouteOfAsync(port);
        var path = Path.Combine(fixture.Node.Prefix, $"stream-{port}.log");
        await fixture.Node.CreateAsync($"/routes/{route["id"]}/plugins", new JsonObject
        {
            ["name"] = "file-log",
            ["protocols"] = new JsonArray("tcp"),
            ["config"] = new JsonObject { ["path"] = path },
        }.ToJsonString());
        const string Payload = "hello-log";
        JsonNode? record = null;

        await Eventually.HoldsAsync(
            async () =>
            {
                await using (var client = await StreamClient.ConnectAsync(port))
                {
                    Assert.Equal("logged", await client.ReadLineAsync());
                    await client.SendAsync(Payload);
                    client.EndSending();
                    Assert.Equal(Payload + StreamBackend.EndMark, await client.ReadToEndAsync());
                }

                record = File.Exists(path)
                    ? File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!).LastOrDefault(r => r["session"]?["received"]?.GetValue<long>() == Payload.Length)
                    : null;
                return record is not null;
            },
            TimeSpan.FromSeconds(15),
            "file-log wrote the session's record");

        var sent = "logged\n".Length + Payload.Length + StreamBackend.EndMark.Length;
        Assert.Equal(sent, record!["session"]!["sent"]!.GetValue<long>());
        Assert.Equal(200, record["session"]!["status"]!.GetValue<int>());
        Assert.Equal(port, record["session"]!["server_port"]!.GetValue<int>());
        Assert.Equal(Payload.Length, record["upstream"]!["sent"]!.GetValue<long>());
        Assert.Equal(sent, record["upstream"]!["received"]!.GetValue<long>());
        Assert.True(record["latencies"]!["session"]!.GetValue<double>() >= 0);
        Assert.Equal(route["id"]!.GetValue<string>(), record["route"]!["id"]!.GetValue<string>());
        Assert.Equal(route["service"]!["id"]!.GetValue<string>(), record["service"]!["id"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", record["client_ip"]!.GetValue<string>());
    }

    [Fact]
    public async Task Prometheus_CountsStreamSessions()
    {
        await using var backend = StreamBackend.Start("counted");
        var port = await fixture.TcpRouteAsync(backend);
        var route = await RouteOfAsync(port);
        await fixture.Node.CreateAsync($"/routes/{route["id"]}/plugins", """{"name":"prometheus","protocols":["tcp"],"config":{"status_code_metrics":true,"latency_metrics":true}}""");

        await Eventually.HoldsAsync(
            async () =>
            {
                Assert.Equal(backend.Name, await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port));
                var metrics = await fixture.Node.Status.GetStringAsync("/metrics");
                return metrics.Contains($"kong_stream_sessions_total{{service=\"127.0.0.1\",route=\"{route["id"]}\",code=\"200\",source=\"service\"", StringComparison.Ordinal)
                    && metrics.Contains($"kong_session_duration_ms_bucket{{service=\"127.0.0.1\",route=\"{route["id"]}\"", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(15),
            "the status API's /metrics counts stream sessions");
    }

    /// <summary>The route whose destinations name <paramref name="port"/>.</summary>
    private async Task<JsonNode> RouteOfAsync(int port)
    {
        var routes = await fixture.Node.GetAsync("/routes?size=1000");
        return routes["data"]!.AsArray().Single(r => r!["destinations"]?.ToJsonString().Contains($":{port}}}", StringComparison.Ordinal) == true)!;
    }
}
