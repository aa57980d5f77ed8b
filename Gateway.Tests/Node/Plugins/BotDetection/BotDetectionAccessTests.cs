using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.BotDetection;

/// <summary>Plugin: bot-detection, as Kong's spec/03-plugins/19-bot-detection/01-access_spec.lua.</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class BotDetectionAccessTests(PluginNode node)
{
    private const string Chrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36";

    [Theory]
    [InlineData("Googlebot/2.1 (+http://www.google.com/bot.html)")]
    [InlineData("curl-crawler/1.0")]
    [InlineData("Apache-HttpClient/4.5")]
    public async Task KnownBots_GetForbidden(string agent)
    {
        var path = await node.RouteWithPluginsAsync(("bot-detection", "{}"));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("User-Agent", agent));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Forbidden", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Browsers_AndRequestsWithoutAgent_Pass()
    {
        var path = await node.RouteWithPluginsAsync(("bot-detection", "{}"));
        using (var browser = await node.SendAsync(HttpMethod.Get, path, ("User-Agent", Chrome)))
        {
            Assert.Equal(HttpStatusCode.OK, browser.StatusCode);
        }

        using var none = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
    }

    [Fact]
    public async Task Allow_BeatsTheBotList_Deny_AddsToIt()
    {
        var path = await node.RouteWithPluginsAsync(("bot-detection", """{"allow":["Googlebot"],"deny":["Chrome"]}"""));
        using (var google = await node.SendAsync(HttpMethod.Get, path, ("User-Agent", "Googlebot/2.1")))
        {
            Assert.Equal(HttpStatusCode.OK, google.StatusCode);
        }

        using var chrome = await node.SendAsync(HttpMethod.Get, path, ("User-Agent", Chrome));
        Assert.Equal(HttpStatusCode.Forbidden, chrome.StatusCode);
    }

    [Fact]
    public async Task Allow_IsCheckedBeforeDeny()
    {
        var path = await node.RouteWithPluginsAsync(("bot-detection", """{"allow":["Chrome"],"deny":["Chrome","Safari"]}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("User-Agent", Chrome));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TwoUserAgents_Get400()
    {
        var path = await node.RouteWithPluginsAsync(("bot-detection", "{}"));
        // HttpClient folds repeated headers into one; write the request by hand.
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", node.Node.ProxyPort);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: a/1\r\nUser-Agent: b/2\r\nConnection: close\r\n\r\n"));
        var text = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 400", text);
        Assert.Contains("Only one User-Agent header allowed", text);
    }
}
