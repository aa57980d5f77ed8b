using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Redirect;

/// <summary>Plugin: redirect (access), as Kong's spec/03-plugins/45-redirect/02-access_spec.lua.</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class RedirectAccessTests(PluginNode node)
{
    [Fact]
    public async Task Defaults_Answer301WithTheLocation_WithoutTheUpstream()
    {
        var path = await node.RouteWithPluginsAsync(("redirect", """{"location":"https://example.com"}"""));
        var before = node.Backend.Requests;
        using var response = await node.SendAsync(HttpMethod.Get, path + "/status/200");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("https://example.com", response.Headers.Location!.OriginalString);
        Assert.Equal("redirecting", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, node.Backend.Requests);
    }

    [Fact]
    public async Task StatusCode_IsTheConfiguredOne()
    {
        var path = await node.RouteWithPluginsAsync(("redirect", """{"status_code":302,"location":"https://example.com"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }

    [Fact]
    public async Task LocationPathAndQuery_AreSentAsConfigured()
    {
        var path = await node.RouteWithPluginsAsync(("redirect", """{"location":"https://example.com/path?foo=bar"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path + "/status/200?keep=this");
        Assert.Equal("https://example.com/path?foo=bar", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task KeepIncomingPath_ReplacesPathAndQuery_WithTheRequests()
    {
        var path = await node.RouteWithPluginsAsync(("redirect", """{"location":"https://example.com/some_path?foo=bar","keep_incoming_path":true}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path + "/status/200?keep=this");
        Assert.Equal($"https://example.com{path}/status/200?keep=this", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task KeepIncomingPath_WithoutQuery_DropsTheLocationsQuery_AndKeepsPortAndFragment()
    {
        var path = await node.RouteWithPluginsAsync(("redirect", """{"location":"http://Example.com:8080/old?foo=bar#top","keep_incoming_path":true}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path + "/a");
        Assert.Equal($"http://example.com:8080{path}/a#top", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task BadLocation_IsKongsSchemaViolation()
    {
        var (status, body) = await node.Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"redirect","config":{"location":"definitely_not_a_url"}}""");
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (config.location: missing host in url)","fields":{"config":{"location":"missing host in url"}}}""",
            body);
    }
}
