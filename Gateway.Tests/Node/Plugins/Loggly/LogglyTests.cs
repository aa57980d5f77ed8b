using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Loggly;

/// <summary>loggly against a real UDP listener standing in for logs-01.loggly.com (Kong's spec/03-plugins/10-loggly).</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class LogglyTests(PluginNode node) : IDisposable
{
    private readonly UdpCollector _collector = new();

    public void Dispose() => _collector.Dispose();

    [Fact]
    public async Task Request_IsAnRfc5424MessageWithTheKeyAndTags()
    {
        var name = LogRoutes.UniqueName("loggly");
        var (_, route, _) = await LogRoutes.CreateAsync(node, name, "loggly",
            $$"""{"host":"127.0.0.1","port":{{_collector.Port}},"key":"tok123","tags":["web","gw"]}""");
        await GetAsync($"/{name}/a", HttpStatusCode.OK);

        // Facility user, severity info (6): PRI 14.
        var message = await _collector.NextAsync();
        var match = Regex.Match(message, @"^<14>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ kong - - \[tok123@41058 tag=""web"" tag=""gw""\] (\{.*\})$");
        Assert.True(match.Success, message);
        var log = JsonNode.Parse(match.Groups[1].Value)!;
        Assert.Equal("GET", log["request"]!["method"]!.GetValue<string>());
        Assert.Equal(200, log["response"]!["status"]!.GetValue<int>());
        Assert.Equal(route["id"]!.GetValue<string>(), log["route"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServerError_HasItsSeverity_AndLessSevereOnesAreNotSent()
    {
        var name = LogRoutes.UniqueName("logglyerr");
        await LogRoutes.CreateAsync(node, name, "loggly",
            $$"""{"host":"127.0.0.1","port":{{_collector.Port}},"key":"k","log_level":"err","server_errors_severity":"crit"}""");
        await GetAsync($"/{name}/ok", HttpStatusCode.OK);
        await GetAsync($"/{name}/status/503", HttpStatusCode.ServiceUnavailable);

        // crit (2): PRI 10; the success (info) is below log_level err, so it was not sent.
        var message = await _collector.NextAsync();
        Assert.StartsWith("<10>1 ", message);
        Assert.Contains("[k@41058 tag=\"kong\"] ", message, StringComparison.Ordinal);
        Assert.False(await _collector.AnyWithinAsync(TimeSpan.FromMilliseconds(300)));
    }

    private async Task GetAsync(string path, HttpStatusCode expected)
    {
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(expected, response.StatusCode);
    }
}
