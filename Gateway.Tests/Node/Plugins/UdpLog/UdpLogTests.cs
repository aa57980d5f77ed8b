using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.UdpLog;

/// <summary>udp-log against a real UDP listener (Kong's spec/03-plugins/05-udp-log).</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class UdpLogTests(PluginNode node) : IDisposable
{
    private readonly UdpCollector _collector = new();

    public void Dispose() => _collector.Dispose();

    [Fact]
    public async Task EachRequest_IsOneJsonDatagram()
    {
        var name = LogRoutes.UniqueName("udp");
        var (service, route, _) = await LogRoutes.CreateAsync(node, name, "udp-log", $$"""{"host":"127.0.0.1","port":{{_collector.Port}}}""");
        using (var response = await node.SendAsync(HttpMethod.Post, $"/{name}/status/201?x=1"))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var log = JsonNode.Parse(await _collector.NextAsync())!;
        Assert.Equal("POST", log["request"]!["method"]!.GetValue<string>());
        Assert.Equal("1", log["request"]!["querystring"]!["x"]!.GetValue<string>());
        Assert.Equal(201, log["response"]!["status"]!.GetValue<int>());
        Assert.Equal("/status/201?x=1", log["upstream_uri"]!.GetValue<string>());
        Assert.Equal(route["id"]!.GetValue<string>(), log["route"]!["id"]!.GetValue<string>());
        Assert.Equal(service["id"]!.GetValue<string>(), log["service"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task MissingHost_IsASchemaViolation()
    {
        var (status, body) = await node.Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"udp-log","config":{"port":9999}}""");
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (config.host: required field missing)","fields":{"config":{"host":"required field missing"}}}""",
            body);
    }
}
