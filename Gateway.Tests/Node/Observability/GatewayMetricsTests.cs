using System.Net.Http.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Observability;

/// <summary>The gateway_ metrics on a node's /metrics, after Kong's families: config version, the push's delay, the cluster, audit records.</summary>
public sealed class GatewayMetricsTests
{
    [Fact]
    public async Task AfterAWrite_TheNodeShowsItsVersion_ThePushDelay_ItsSilo_AndTheAuditRecords()
    {
        await using var node = await TestNode.StartAsync("--audit_log", "on");
        await node.CreateAsync("/plugins", """{"name":"prometheus"}""");
        await node.CreateAsync("/consumers", """{"username":"metered"}""");
        var version = (long)(await node.Status.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/status"))!["config_snapshot_version"]!;

        var text = "";
        await Eventually.HoldsAsync(
            async () => (text = await node.Status.GetStringAsync("/metrics")).Contains("gateway_audit_records_total{table=\"audit_requests\"}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the request records are written and counted");

        Assert.Equal(version, MetricsText.Sample(text, "gateway_config_version"));
        Assert.Equal(1, MetricsText.Sample(text, "gateway_cluster_members{status=\"active\"}"));
        Assert.True(MetricsText.Sample(text, "gateway_config_propagation_seconds_count") >= 2, "the node's own pushes of its two writes");
        Assert.Equal(2, MetricsText.Sample(text, "gateway_audit_records_total{table=\"audit_objects\"}"));
        Assert.True(MetricsText.Sample(text, "gateway_audit_records_total{table=\"audit_requests\"}") >= 2);
        Assert.True(text.IndexOf("kong_datastore_reachable", StringComparison.Ordinal) < text.IndexOf("gateway_config_version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimitDecisions_AndConsumerCacheLookUps_AreCounted()
    {
        await using var backend = await Backend.StartAsync();
        await using var node = await TestNode.StartAsync();
        await node.CreateAsync("/plugins", """{"name":"prometheus"}""");
        var route = await node.RouteAsync($$"""{"name":"limited","url":"http://{{backend.Address}}/"}""", """{"paths":["/limited"]}""");
        await node.CreateAsync($"/routes/{route}/plugins", """{"name":"key-auth"}""");
        await node.CreateAsync($"/routes/{route}/plugins", """{"name":"rate-limiting","config":{"minute":2,"policy":"local"}}""");
        await node.CreateAsync("/consumers", """{"username":"caller"}""");
        await node.CreateAsync("/consumers/caller/key-auth", """{"key":"caller-key"}""");

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/limited");
            request.Headers.Add("apikey", "caller-key");
            using var response = await node.Proxy.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }

        var text = await node.Status.GetStringAsync("/metrics");
        Assert.Equal([200, 200, 429], statuses);
        Assert.Equal(2, MetricsText.Sample(text, "gateway_ratelimit_decisions_total{policy=\"local\",outcome=\"allowed\"}"));
        Assert.Equal(1, MetricsText.Sample(text, "gateway_ratelimit_decisions_total{policy=\"local\",outcome=\"rejected\"}"));
        Assert.True(MetricsText.Sample(text, "gateway_consumer_cache_total{result=\"miss\"}") >= 1);
        Assert.True(MetricsText.Sample(text, "gateway_consumer_cache_total{result=\"hit\"}") >= 2);
    }

    [Fact]
    public async Task TheAdminApi_ServesMetricsToo_WhenThePluginIsLoaded()
    {
        await using var node = await TestNode.StartAsync();
        await using var without = await TestNode.StartAsync("--plugins", "key-auth");

        using var response = await node.Admin.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        using var post = await node.Admin.PostAsync("/metrics", null);
        using var absent = await without.Admin.GetAsync("/metrics");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, MetricsText.Sample(text, "kong_datastore_reachable"));
        Assert.Contains("gateway_config_version{", text, StringComparison.Ordinal);
        Assert.Equal(405, (int)post.StatusCode);
        Assert.Equal(404, (int)absent.StatusCode);
    }

    [Fact]
    public async Task PluginLatency_IsTimedPerPluginAndPhase_OnlyWhenTurnedOn()
    {
        await using var backend = await Backend.StartAsync();
        await using var timed = await TestNode.StartAsync("--plugin_latency_metrics", "on");
        await using var untimed = await TestNode.StartAsync();

        foreach (var node in new[] { timed, untimed })
        {
            await node.CreateAsync("/plugins", """{"name":"prometheus"}""");
            var route = await node.RouteAsync($$"""{"name":"timed","url":"http://{{backend.Address}}/"}""", """{"paths":["/timed"]}""");
            await node.CreateAsync($"/routes/{route}/plugins", """{"name":"response-transformer","config":{"add":{"headers":["X-Timed:yes"]}}}""");
            await node.CreateAsync($"/routes/{route}/plugins", """{"name":"correlation-id"}""");
            using var response = await node.Proxy.GetAsync("/timed");
            Assert.Equal(200, (int)response.StatusCode);
        }

        var text = await timed.Status.GetStringAsync("/metrics");
        Assert.Equal(1, MetricsText.Sample(text, "gateway_plugin_latency_seconds_count{plugin=\"correlation-id\",phase=\"access\"}"));
        Assert.Equal(1, MetricsText.Sample(text, "gateway_plugin_latency_seconds_count{plugin=\"response-transformer\",phase=\"header_filter\"}"));
        Assert.InRange(MetricsText.Sample(text, "gateway_plugin_latency_seconds_sum{plugin=\"correlation-id\",phase=\"access\"}"), 0, 1);
        Assert.DoesNotContain("gateway_plugin_latency_seconds", await untimed.Status.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheAuditLogOff_NoAuditFamilyIsShown()
    {
        await using var node = await TestNode.StartAsync();
        await node.CreateAsync("/plugins", """{"name":"prometheus"}""");

        var text = await node.Status.GetStringAsync("/metrics");

        Assert.DoesNotContain("gateway_audit_records_total", text, StringComparison.Ordinal);
        Assert.Contains("gateway_config_version{", text, StringComparison.Ordinal);
    }
}
