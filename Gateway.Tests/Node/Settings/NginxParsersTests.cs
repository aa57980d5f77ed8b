using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Settings;

/// <summary>The nginx_* settings' values, written as nginx directives take them.</summary>
public sealed class NginxParsersTests
{
    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("60", 60_000)]
    [InlineData("500ms", 500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 2d ", 172_800_000)]
    public void Time_NginxUnits(string raw, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), NginxParsers.Time(raw));

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("5x")]
    [InlineData("s")]
    [InlineData("1.5s")]
    [InlineData("5sm")]
    [InlineData("")]
    public void Time_NotATimeAboveZero_Refused(string raw) =>
        Assert.Throws<FormatException>(() => NginxParsers.Time(raw));

    [Fact]
    public void HeaderBuffers_NumberAndSize()
    {
        var buffers = NginxParsers.HeaderBuffers("8 16k");

        Assert.Equal(new HeaderBuffers(8, 16 * 1024), buffers);
        Assert.Equal(128 * 1024, buffers.Total);
    }

    [Theory]
    [InlineData("8k")]
    [InlineData("0 8k")]
    [InlineData("4 0")]
    [InlineData("4 8k 2")]
    [InlineData("four 8k")]
    public void HeaderBuffers_Malformed_Refused(string raw) =>
        Assert.Throws<FormatException>(() => NginxParsers.HeaderBuffers(raw));

    [Theory]
    [InlineData("auto", NginxParsers.AutoConnections)]
    [InlineData("AUTO", NginxParsers.AutoConnections)]
    [InlineData("512", 512)]
    public void Connections_CountOrAuto(string raw, int count) =>
        Assert.Equal(count, NginxParsers.Connections(raw));

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    public void Connections_NotACount_Refused(string raw) =>
        Assert.Throws<FormatException>(() => NginxParsers.Connections(raw));

    [Fact]
    public void Load_ProxyLimitsFromKongEnvironment()
    {
        var settings = SettingsLoader.Load(CommandLine.Parse([]), new Dictionary<string, string>
        {
            ["KONG_NGINX_HTTP_CLIENT_MAX_BODY_SIZE"] = "10m",
            ["KONG_NGINX_HTTP_LARGE_CLIENT_HEADER_BUFFERS"] = "8 24k",
            ["KONG_NGINX_EVENTS_WORKER_CONNECTIONS"] = "2048",
        });

        Assert.Equal(10L * 1024 * 1024, settings.NginxHttpClientMaxBodySize);
        Assert.Equal(new HeaderBuffers(8, 24 * 1024), settings.NginxHttpLargeClientHeaderBuffers);
        Assert.Equal(2048, settings.NginxEventsWorkerConnections);
    }

    [Fact]
    public void Load_BadBufferSize_OneLineNamingTheSetting()
    {
        var error = Assert.Throws<SettingsException>(() =>
            SettingsLoader.Load(CommandLine.Parse(["--nginx_http_client_body_buffer_size", "0"]), new Dictionary<string, string>()));

        Assert.Contains("nginx_http_client_body_buffer_size", error.Message, StringComparison.Ordinal);
    }
}
