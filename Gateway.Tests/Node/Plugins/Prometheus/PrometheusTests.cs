using System.Net;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Prometheus;

/// <summary>prometheus against a real backend, scraped on status_listen /metrics (Kong's spec/03-plugins/26-prometheus).</summary>
public sealed partial class PrometheusTests : IAsyncLifetime
{
    private readonly int _statusPort = FreePorts.Next();
    private Backend _backend = null!;
    private TestNode _node = null!;
    private HttpClient _status = null!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _node = await TestNode.StartAsync("--plugins", "bundled,Gateway.Tests", "--status_listen", $"127.0.0.1:{_statusPort}");
        _status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_statusPort}") };
        await _node.CreateAsync("/plugins", $$"""{"name":"{{HeaderConsumerPlugin.PluginName}}"}""");
        await _node.CreateAsync("/consumers", """{"username":"alice"}""");
    }

    public async Task DisposeAsync()
    {
        _status.Dispose();
        await _node.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task EnabledFlags_ExportKongsFamiliesPerServiceRouteAndConsumer()
    {
        await RouteAsync("all", """{"per_consumer":true,"status_code_metrics":true,"latency_metrics":true,"bandwidth_metrics":true}""");
        await GetAsync("/all/x", "alice", HttpStatusCode.OK);
        await GetAsync("/all/status/404", null, HttpStatusCode.NotFound);

        // A scrape is not atomic across families (no exporter's is): wait until every line has shown in one scrape.
        var metrics = await ScrapeUntilAsync(
            "kong_request_latency_ms_count{service=\"all\",route=\"all-route\",workspace=\"default\"} 2",
            "kong_http_requests_total{service=\"all\",route=\"all-route\",code=\"200\",source=\"service\",workspace=\"default\",consumer=\"alice\"} 1",
            "kong_http_requests_total{service=\"all\",route=\"all-route\",code=\"404\",source=\"service\",workspace=\"default\",consumer=\"\"} 1",
            "kong_upstream_latency_ms_count{service=\"all\",route=\"all-route\",workspace=\"default\"} 2",
            "kong_kong_latency_ms_bucket{service=\"all\",route=\"all-route\",workspace=\"default\",le=\"1000\"} 2");
        // Bandwidth is nginx's request_length and bytes_sent: request line, headers and body (HttpLogTests pins the exact count).
        var ingress = long.Parse(Regex.Match(metrics, "kong_bandwidth_bytes\\{service=\"all\",route=\"all-route\",direction=\"ingress\",workspace=\"default\",consumer=\"alice\"\\} ([0-9]+)\n").Groups[1].Value);
        Assert.InRange(ingress, "POST /all/x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".Length, 4096);
        Assert.Contains("kong_datastore_reachable 1\n", metrics);
        Assert.Matches(NodeInfoLine(), metrics);
    }

    [Fact]
    public async Task DefaultFlags_ExportNoRequestSeries()
    {
        await RouteAsync("quiet", "{}");
        await RouteAsync("loud", """{"status_code_metrics":true}""");
        await GetAsync("/quiet", "alice", HttpStatusCode.OK);
        await GetAsync("/loud", "alice", HttpStatusCode.OK);

        // per_consumer is off: the consumer label is empty.
        var metrics = await ScrapeUntilAsync("kong_http_requests_total{service=\"loud\",route=\"loud-route\",code=\"200\",source=\"service\",workspace=\"default\",consumer=\"\"} 1");
        Assert.DoesNotContain("service=\"quiet\"", metrics);
        Assert.DoesNotContain("kong_request_latency_ms_count{", metrics);
    }

    [Fact]
    public async Task UpstreamHealthMetrics_ExportEachTargetsState()
    {
        await _node.CreateAsync("/upstreams", """{"name":"up1"}""");
        await _node.CreateAsync("/upstreams/up1/targets", $$"""{"target":"127.0.0.1:{{_backend.Port}}"}""");
        var route = await _node.RouteAsync("""{"name":"viaup","host":"up1"}""", """{"name":"viaup-route","paths":["/viaup"]}""");
        await _node.CreateAsync("/plugins", $$$"""{"name":"prometheus","route":{"id":"{{{route}}}"},"config":{"upstream_health_metrics":true}}""");

        var metrics = await ScrapeUntilAsync(
            $"kong_upstream_target_health{{upstream=\"up1\",target=\"127.0.0.1:{_backend.Port}\",address=\"127.0.0.1:{_backend.Port}\",state=\"healthchecks_off\",subsystem=\"http\"}} 1");
        Assert.Contains($"kong_upstream_target_health{{upstream=\"up1\",target=\"127.0.0.1:{_backend.Port}\",address=\"127.0.0.1:{_backend.Port}\",state=\"healthy\",subsystem=\"http\"}} 0\n", metrics);
    }

    [Fact]
    public async Task Metrics_IsServedAsPrometheusText()
    {
        using var response = await _status.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var metrics = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE kong_datastore_reachable gauge\nkong_datastore_reachable 1\n", metrics);
        Assert.Contains("kong_nginx_metric_errors_total 0\n", metrics);

        // As Kong's exporter: a family is written with its first sample, so none of the request families shows yet.
        Assert.DoesNotContain("kong_http_requests_total", metrics);
        Assert.DoesNotContain("kong_latency_ms", metrics);
        Assert.DoesNotContain("bandwidth_bytes", metrics);
        Assert.DoesNotContain("upstream_target_health", metrics);
        Assert.All(metrics.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches("^(#|kong_|gateway_)", line));
    }

    [Fact]
    public async Task GatewayAnswers_AreSourceKong_AndRequestsWithoutServiceAreNotCounted()
    {
        // Kong's exporter: any answer but the upstream's is source="kong"; a request with no service records nothing.
        var serviceless = await _node.CreateAsync("/routes", """{"name":"bare-route","paths":["/bare"]}""");
        await _node.CreateAsync("/plugins", $$$"""{"name":"request-termination","route":{"id":"{{{serviceless["id"]}}}"},"config":{"status_code":403}}""");
        await _node.CreateAsync("/plugins", $$$"""{"name":"prometheus","route":{"id":"{{{serviceless["id"]}}}"},"config":{"status_code_metrics":true}}""");
        var route = await _node.RouteAsync($$"""{"name":"ended","host":"127.0.0.1","port":{{_backend.Port}}}""", """{"name":"ended-route","paths":["/ended"]}""");
        await _node.CreateAsync("/plugins", $$$"""{"name":"request-termination","route":{"id":"{{{route}}}"},"config":{"status_code":403}}""");
        await _node.CreateAsync("/plugins", $$$"""{"name":"prometheus","route":{"id":"{{{route}}}"},"config":{"status_code_metrics":true}}""");
        await GetAsync("/bare", null, HttpStatusCode.Forbidden);
        await GetAsync("/ended", null, HttpStatusCode.Forbidden);

        var metrics = await ScrapeUntilAsync("kong_http_requests_total{service=\"ended\",route=\"ended-route\",code=\"403\",source=\"kong\",workspace=\"default\",consumer=\"\"} 1");
        Assert.DoesNotContain("bare-route", metrics);
    }

    [GeneratedRegex("kong_node_info\\{node_id=\"[0-9a-f-]{36}\",version=\"3\\.9\\.1\"\\} 1\n")]
    private static partial Regex NodeInfoLine();

    private async Task RouteAsync(string name, string config)
    {
        var route = await _node.RouteAsync($$"""{"name":"{{name}}","host":"127.0.0.1","port":{{_backend.Port}}}""", $$"""{"name":"{{name}}-route","paths":["/{{name}}"]}""");
        await _node.CreateAsync("/plugins", $$"""{"name":"prometheus","route":{"id":"{{route}}"},"config":{{config}}}""");
    }

    private async Task GetAsync(string path, string? consumer, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(consumer is null ? HttpMethod.Get : HttpMethod.Post, path);
        if (consumer is not null)
        {
            request.Headers.Add("X-Test-Consumer", consumer);
            request.Content = new StringContent("hello");
        }

        using var response = await _node.Proxy.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>The log phase runs after the response: scrape until every expected line shows up in one scrape.</summary>
    private async Task<string> ScrapeUntilAsync(params string[] lines)
    {
        var text = "";
        for (var i = 0; i < 100; i++)
        {
            text = await _status.GetStringAsync("/metrics");
            if (lines.All(line => text.Contains(line + "\n", StringComparison.Ordinal)))
            {
                return text;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"no line '{lines.First(line => !text.Contains(line + "\n", StringComparison.Ordinal))}' in:\n{text}");
        return text;
    }
}
