using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Observability;

/// <summary>proxy_access_log: a line per proxied request, plugins or not, in nginx's combined format or as JSON.</summary>
public sealed class ProxyAccessLogTests
{
    [Fact]
    public async Task Combined_IsNginxsLine_ForAnUpstreamAnswerAndTheGatewaysOwn()
    {
        await using var backend = await Backend.StartAsync();
        await using var node = await TestNode.StartAsync("--proxy_access_log", "logs/access.log");
        await node.RouteAsync($$"""{"name":"logged","host":"127.0.0.1","port":{{backend.Port}}}""", """{"paths":["/logged"]}""");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/logged/a?b=1");
        request.Headers.Add("User-Agent", "probe/1.0");
        request.Headers.TryAddWithoutValidation("Referer", "http://example.test/\"quoted\"");
        using var response = await node.Proxy.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        using var missing = await node.Proxy.GetAsync("/nowhere");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var lines = await LinesAsync(Path.Combine(node.Prefix, "logs", "access.log"), 2);
        var upstream = Regex.Match(lines[0], """^127\.0\.0\.1 - - \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "GET /logged/a\?b=1 HTTP/1\.1" 200 (\d+) "(.*)" "probe/1\.0"$""");
        Assert.True(upstream.Success, lines[0]);
        Assert.Equal(body.Length, long.Parse(upstream.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("http://example.test/\\x22quoted\\x22", upstream.Groups[3].Value);
        Assert.Matches("""^127\.0\.0\.1 - - \[.+\] "GET /nowhere HTTP/1\.1" 404 \d+ "-" "-"$""", lines[1]);
    }

    [Fact]
    public async Task Json_IsAnObjectALine_WithTheRequestIdRouteAndTimes()
    {
        await using var backend = await Backend.StartAsync();
        await using var node = await TestNode.StartAsync("--proxy_access_log", "access.json json");
        await node.RouteAsync($$"""{"name":"svc","host":"127.0.0.1","port":{{backend.Port}}}""", """{"name":"rt","paths":["/json"]}""");

        using var response = await node.Proxy.GetAsync("/json/x");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var line = JsonNode.Parse((await LinesAsync(Path.Combine(node.Prefix, "access.json"), 1))[0])!;
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), line["request_id"]!.GetValue<string>());
        Assert.Equal("/json/x", line["uri"]!.GetValue<string>());
        Assert.Equal(200, line["status"]!.GetValue<int>());
        Assert.Equal(200, line["upstream_status"]!.GetValue<int>());
        Assert.Equal("rt", line["route"]!.GetValue<string>());
        Assert.Equal("svc", line["service"]!.GetValue<string>());
        Assert.True(line["request_time"]!.GetValue<double>() >= 0);
    }

    [Theory]
    [InlineData("logs/a.log yaml")]
    [InlineData("a.log json extra")]
    public async Task ABadValue_StopsStartup_NamingTheSetting(string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await TestNode.StartAsync("--proxy_access_log", value));
        Assert.Contains("proxy_access_log", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<string>> LinesAsync(string path, int count)
    {
        List<string> lines = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                if (!File.Exists(path))
                {
                    return false;
                }

                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(file);
                lines = [.. (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
                return lines.Count >= count;
            },
            TimeSpan.FromSeconds(10),
            $"{count} access log lines in {path}");
        return lines;
    }
}
