using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Datadog;

/// <summary>datadog against a real UDP listener standing in for the agent (Kong's spec/03-plugins/08-datadog/01-log_spec.lua).</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class DatadogTests(PluginNode node) : IDisposable
{
    private readonly UdpCollector _collector = new();

    public void Dispose() => _collector.Dispose();

    [Fact]
    public async Task DefaultMetrics_AreDogStatsdLines_TaggedWithServiceStatusConsumerAndApp()
    {
        var name = LogRoutes.UniqueName("dd");
        await LogRoutes.CreateAsync(node, name, "datadog", $$"""{"host":"127.0.0.1","port":{{_collector.Port}}}""", withConsumer: true);
        await GetAsync($"/{name}?apikey={name}-key", HttpStatusCode.OK);

        var tags = $@"\|#name:{name},status:200,consumer:{name}-custom,app:kong";
        var lines = await _collector.NextAsync(6);
        Assert.Equal($"kong.request.count:1|c|#name:{name},status:200,consumer:{name}-custom,app:kong", lines[0]);
        Assert.Matches($@"^kong\.latency:\d+\|ms{tags}$", lines[1]);
        Assert.Matches($@"^kong\.request\.size:\d+\|ms{tags}$", lines[2]);
        Assert.Matches($@"^kong\.response\.size:[1-9]\d*\|ms{tags}$", lines[3]);
        Assert.Matches($@"^kong\.upstream_latency:\d+\|ms{tags}$", lines[4]);
        Assert.Matches($@"^kong\.kong_latency:\d+\|ms{tags}$", lines[5]);
        Assert.False(await _collector.AnyWithinAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task CustomMetric_PrefixTagNamesRateAndConsumerId()
    {
        var name = LogRoutes.UniqueName("ddcustom");
        var (_, _, consumer) = await LogRoutes.CreateAsync(node, name, "datadog", $$"""
            {"host":"127.0.0.1","port":{{_collector.Port}},"prefix":"gw","service_name_tag":"svc","status_tag":"code","consumer_tag":"who",
             "metrics":[{"name":"request_count","stat_type":"counter","sample_rate":0.5,"consumer_identifier":"consumer_id","tags":["env:test","solo"]}]}
            """, withConsumer: true);
        await GetAsync($"/{name}/status/404?apikey={name}-key", HttpStatusCode.NotFound);

        // As Kong, a consumer id goes out with its dashes as underscores.
        var id = consumer!["id"]!.GetValue<string>().Replace('-', '_');
        Assert.Equal($"gw.request.count:1|c|@0.5|#svc:{name},code:404,who:{id},env:test,solo", await _collector.NextAsync());
    }

    private async Task GetAsync(string path, HttpStatusCode expected)
    {
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(expected, response.StatusCode);
    }
}
