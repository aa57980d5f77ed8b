using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.UdpLog;

/// <summary>The log plugins from a kong.yml (database = off): their rows are plain plugin entities, as in any store.</summary>
public sealed class UdpLogDbLessTests : IAsyncLifetime
{
    private readonly UdpCollector _udp = new();
    private readonly UdpCollector _statsd = new();
    private Backend _backend = null!;
    private TestNode _node = null!;
    private string _directory = "";

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _directory = Directory.CreateTempSubdirectory("log-plugins-dbless-").FullName;
        var path = Path.Combine(_directory, "kong.yml");
        await File.WriteAllTextAsync(path, $"""
            _format_version: "3.0"
            services:
            - name: orders
              url: http://127.0.0.1:{_backend.Port}
              routes:
              - name: orders-route
                paths: ["/orders"]
              plugins:
              - name: udp-log
                config:
                  host: 127.0.0.1
                  port: {_udp.Port}
              - name: statsd
                config:
                  host: 127.0.0.1
                  port: {_statsd.Port}
                  metrics:
                  - name: request_count
                    stat_type: counter
                    sample_rate: 1
            """);
        _node = await TestNode.StartAsync("--database", "off", "--declarative_config", path);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _backend.DisposeAsync();
        _udp.Dispose();
        _statsd.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task PluginsFromKongYml_LogTheRequest()
    {
        using (var response = await _node.Proxy.GetAsync("/orders/1"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var log = JsonNode.Parse(await _udp.NextAsync())!;
        Assert.Equal("/orders/1", log["request"]!["uri"]!.GetValue<string>());
        Assert.Equal("orders", log["service"]!["name"]!.GetValue<string>());
        Assert.Equal("orders-route", log["route"]!["name"]!.GetValue<string>());
        Assert.Equal("kong.service.orders.request.count:1|c", await _statsd.NextAsync());
    }
}
