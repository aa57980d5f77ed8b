using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Statsd;

/// <summary>statsd against a real UDP (or TCP) listener (Kong's spec/03-plugins/06-statsd/01-log_spec.lua).</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class StatsdTests(PluginNode node) : IDisposable
{
    private readonly UdpCollector _collector = new();

    public void Dispose() => _collector.Dispose();

    [Fact]
    public async Task DefaultMetrics_WithAConsumer_AreKongsLines()
    {
        var name = LogRoutes.UniqueName("sd");
        var (_, route, _) = await LogRoutes.CreateAsync(node, name, "statsd", $$"""{"host":"127.0.0.1","port":{{_collector.Port}}}""", withConsumer: true);
        await GetAsync($"/{name}?apikey={name}-key", HttpStatusCode.OK);

        // Twelve of Kong's thirteen default metrics, one datagram each (shdict_usage has no shared dicts to report).
        var lines = await _collector.NextAsync(12);
        var scope = $"kong.service.{name}";
        var user = $"{name}-custom";
        string[] expected =
        [
            $@"{scope}\.request\.count:1\|c",
            $@"{scope}\.latency:\d+\|ms",
            $@"{scope}\.request\.size:\d+\|c",
            $@"{scope}\.status\.200:1\|c",
            $@"{scope}\.response\.size:[1-9]\d*\|c",
            $@"{scope}\.user\.uniques:{user}\|s",
            $@"{scope}\.user\.{user}\.request\.count:1\|c",
            $@"{scope}\.upstream_latency:\d+\|ms",
            $@"{scope}\.kong_latency:\d+\|ms",
            $@"{scope}\.user\.{user}\.status\.200:1\|c",
            $@"{scope}\.workspace\.default\.status\.200:1\|c",
            $@"kong\.route\.{route["id"]}\.user\.{user}\.status\.200:1\|c",
        ];
        Assert.Equal(expected.Length, lines.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Matches($"^{expected[i]}$", lines[i]);
        }

        Assert.False(await _collector.AnyWithinAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task DogstatsdTagStyle_SendsTheValueMetricsWithTags()
    {
        var name = LogRoutes.UniqueName("sdtag");
        var (service, route, consumer) = await LogRoutes.CreateAsync(node, name, "statsd",
            $$"""{"host":"127.0.0.1","port":{{_collector.Port}},"tag_style":"dogstatsd","service_identifier_default":"service_id","consumer_identifier_default":"username"}""",
            withConsumer: true);
        await GetAsync($"/{name}?apikey={name}-key", HttpStatusCode.OK);

        // As Kong: six lines; status, consumer and workspace are tags rather than metrics of their own.
        var tags = $"service:{service["id"]},route:{route["id"]},workspace:default,consumer:{consumer!["username"]},status:200";
        var lines = await _collector.NextAsync(6);
        Assert.Equal($"kong.request.count:1|c|#{tags}", lines[0]);
        Assert.Matches($@"^kong\.latency:\d+\|ms\|#{Regex.Escape(tags)}$", lines[1]);
        Assert.Matches($@"^kong\.request\.size:\d+\|c\|#{Regex.Escape(tags)}$", lines[2]);
        Assert.Matches($@"^kong\.response\.size:\d+\|c\|#{Regex.Escape(tags)}$", lines[3]);
        Assert.Matches($@"^kong\.upstream_latency:\d+\|ms\|#{Regex.Escape(tags)}$", lines[4]);
        Assert.Matches($@"^kong\.kong_latency:\d+\|ms\|#{Regex.Escape(tags)}$", lines[5]);
        Assert.False(await _collector.AnyWithinAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Theory]
    [InlineData("influxdb", "gw.request.count,TAGS:1|c")]
    [InlineData("librato", "gw.request.count#TAGS:1|c")]
    [InlineData("signalfx", "gw.request.count[TAGS]:1|c")]
    public async Task OtherTagStyles_PlaceTheTagsAsKong(string style, string expected)
    {
        var name = LogRoutes.UniqueName("sdstyle");
        var (_, route, _) = await LogRoutes.CreateAsync(node, name, "statsd",
            $$"""{"host":"127.0.0.1","port":{{_collector.Port}},"prefix":"gw","tag_style":"{{style}}","metrics":[{"name":"request_count","stat_type":"counter","sample_rate":1}]}""");
        await GetAsync($"/{name}", HttpStatusCode.OK);

        var tags = $"service={name},route={route["id"]},workspace=default,status=200";
        Assert.Equal(expected.Replace("TAGS", tags, StringComparison.Ordinal), await _collector.NextAsync());
    }

    [Fact]
    public async Task UdpPacketSize_CombinesLinesUpToTheSize()
    {
        // As Kong's "combines and splits udp packets": 100 bytes hold two of the three lines.
        var name = LogRoutes.UniqueName("sdpkt");
        await LogRoutes.CreateAsync(node, name, "statsd", $$"""
            {"host":"127.0.0.1","port":{{_collector.Port}},"udp_packet_size":100,"metrics":[
              {"name":"request_count","stat_type":"counter","sample_rate":1},
              {"name":"upstream_latency","stat_type":"timer"},
              {"name":"kong_latency","stat_type":"timer"}]}
            """);
        await GetAsync($"/{name}", HttpStatusCode.OK);

        var first = await _collector.NextAsync();
        var second = await _collector.NextAsync();
        Assert.Matches($@"^kong\.service\.{name}\.request\.count:1\|c\nkong\.service\.{name}\.upstream_latency:\d+\|ms$", first);
        Assert.Matches($@"^kong\.service\.{name}\.kong_latency:\d+\|ms$", second);
    }

    [Fact]
    public async Task UseTcp_SendsEachLineAndANewline()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var name = LogRoutes.UniqueName("sdtcp");
        await LogRoutes.CreateAsync(node, name, "statsd",
            $$"""{"host":"127.0.0.1","port":{{((IPEndPoint)listener.LocalEndpoint).Port}},"use_tcp":true,"metrics":[{"name":"request_count","stat_type":"counter","sample_rate":0.5},{"name":"status_count","stat_type":"counter","sample_rate":1}]}""");
        await GetAsync($"/{name}", HttpStatusCode.OK);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var connection = await listener.AcceptTcpClientAsync(timeout.Token);
        using var reader = new StreamReader(connection.GetStream());
        Assert.Equal($"kong.service.{name}.request.count:1|c|@0.5\nkong.service.{name}.status.200:1|c\n", await reader.ReadToEndAsync(timeout.Token));
    }

    [Fact]
    public async Task AllowStatusCodes_OnlyThoseStatusesAreMeasured()
    {
        var name = LogRoutes.UniqueName("sdallow");
        await LogRoutes.CreateAsync(node, name, "statsd",
            $$"""{"host":"127.0.0.1","port":{{_collector.Port}},"allow_status_codes":["500-599"],"metrics":[{"name":"status_count","stat_type":"counter","sample_rate":1}]}""");
        await GetAsync($"/{name}/ok", HttpStatusCode.OK);
        await GetAsync($"/{name}/status/502", HttpStatusCode.BadGateway);

        Assert.Equal($"kong.service.{name}.status.502:1|c", await _collector.NextAsync());
        Assert.False(await _collector.AnyWithinAsync(TimeSpan.FromMilliseconds(300)));
    }

    private async Task GetAsync(string path, HttpStatusCode expected)
    {
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(expected, response.StatusCode);
    }
}
