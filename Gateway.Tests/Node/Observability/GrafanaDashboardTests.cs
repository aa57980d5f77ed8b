using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Observability;

/// <summary>
/// infra/grafana/gateway-dashboard.json: every metric its panels and variables query is one a node exports, checked
/// against a real scrape after traffic that feeds every family (the prometheus plugin's metrics all on).
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly string[] HistogramParts = ["_bucket", "_sum", "_count"];

    [Fact]
    public void TheDashboard_CoversKongs7424Rows_AndTheCluster()
    {
        var dashboard = Dashboard();

        var rows = dashboard["panels"]!.AsArray().Where(p => (string?)p!["type"] == "row").Select(p => (string)p!["title"]!);
        Assert.Equal(["Request rate", "Latencies", "Bandwidth", "Upstream", "Node", "Cluster"], rows);
        Assert.DoesNotContain("by (type)", dashboard.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(Queries(dashboard), q => q.Contains("histogram_quantile(0.99, sum(rate(kong_upstream_latency_ms_bucket", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryMetricItQueries_IsExportedByANode_AfterTraffic()
    {
        await using var backend = await Backend.StartAsync();
        await using var node = await TestNode.StartAsync("--audit_log", "on");
        await node.CreateAsync("/upstreams", """{"name":"pool"}""");
        await node.CreateAsync("/upstreams/pool/targets", $$"""{"target":"{{backend.Address}}"}""");
        var route = await node.RouteAsync("""{"name":"metered","host":"pool"}""", """{"name":"metered-route","paths":["/metered"]}""");
        await node.CreateAsync("/plugins", """
            {"name":"prometheus","config":{"per_consumer":true,"status_code_metrics":true,"latency_metrics":true,"bandwidth_metrics":true,"upstream_health_metrics":true}}
            """);
        await node.CreateAsync($"/routes/{route}/plugins", """{"name":"key-auth"}""");
        await node.CreateAsync($"/routes/{route}/plugins", """{"name":"rate-limiting","config":{"minute":1000}}""");
        await node.CreateAsync("/consumers", """{"username":"grafana"}""");
        await node.CreateAsync("/consumers/grafana/key-auth", """{"key":"grafana-key"}""");
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metered") { Headers = { { "apikey", "grafana-key" } } };
            using var response = await node.Proxy.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
        }

        var scrape = "";
        await Eventually.HoldsAsync(
            async () => (scrape = await node.Status.GetStringAsync("/metrics")).Contains("gateway_audit_records_total{table=\"audit_requests\"}", StringComparison.Ordinal)
                && scrape.Contains("kong_bandwidth_bytes{", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "every family has a sample");

        var exported = scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny([' ', '{'])]).ToHashSet();
        var queried = Queries(Dashboard()).SelectMany(q => MetricName().Matches(q).Select(m => m.Value)).ToHashSet();
        Assert.True(queried.Count >= 12, string.Join(", ", queried));
        Assert.All(queried, name => Assert.True(
            exported.Contains(name) || HistogramParts.Any(part => exported.Contains(name + part)),
            $"{name} is queried by the dashboard but not exported; exported: {string.Join(", ", exported.Order())}"));
    }

    private static JsonObject Dashboard() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.Root, "infra", "grafana", "gateway-dashboard.json")))!.AsObject();

    /// <summary>Every PromQL the dashboard runs: the panels' targets and the query variables' queries (the data source variable is the provisioned Prometheus).</summary>
    private static IEnumerable<string> Queries(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]?.AsArray() ?? []).Select(t => (string)t!["expr"]!)
            .Concat(dashboard["templating"]!["list"]!.AsArray().Where(v => (string?)v!["type"] == "query").Select(v => (string)v!["query"]!["query"]!));

    [GeneratedRegex(@"\b(kong|gateway)_[a-z_]+")]
    private static partial Regex MetricName();
}
