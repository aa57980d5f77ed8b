using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.IpRestriction;

/// <summary>Plugin: ip-restriction, as Kong's spec/03-plugins/17-ip-restriction/02-access_spec.lua (clients are 127.0.0.1).</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class IpRestrictionAccessTests(PluginNode node)
{
    [Fact]
    public async Task Denied_Gets403WithTheAddress()
    {
        var path = await node.RouteWithPluginsAsync(("ip-restriction", """{"deny":["127.0.0.1"]}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("IP address not allowed: 127.0.0.1", body["message"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), body["request_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeniedCidr_WithCustomStatusAndMessage()
    {
        var path = await node.RouteWithPluginsAsync(("ip-restriction", """{"deny":["127.0.0.9/8"],"status":401,"message":"go away"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("Accept", "text/plain"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("go away\nrequest_id: ", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Allowed_Passes_NotAllowed_IsRefused()
    {
        var allowed = await node.RouteWithPluginsAsync(("ip-restriction", """{"allow":["127.0.0.0/24","::1"]}"""));
        using (var response = await node.SendAsync(HttpMethod.Get, allowed))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var other = await node.RouteWithPluginsAsync(("ip-restriction", """{"allow":["10.0.0.0/8"]}"""));
        using var refused = await node.SendAsync(HttpMethod.Get, other);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task DenyWins_OverAllow()
    {
        var path = await node.RouteWithPluginsAsync(("ip-restriction", """{"allow":["127.0.0.1"],"deny":["127.0.0.1"]}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task DenyWins_OverAnAllowedRange()
    {
        var path = await node.RouteWithPluginsAsync(("ip-restriction", """{"allow":["127.0.0.0/24"],"deny":["127.0.0.1"]}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task NewPlugin_GetsKongsDefaultProtocols_InKongsOrder()
    {
        var route = await node.Node.CreateAsync("/routes", """{"paths":["/ip-restriction-protocols"]}""");
        var plugin = await node.Node.CreateAsync($"/routes/{route["id"]}/plugins", """{"name":"ip-restriction","config":{"deny":["10.0.0.1"]}}""");
        Assert.Equal("""["http","https","tcp","tls","grpc","grpcs"]""", plugin["protocols"]!.ToJsonString());
    }
}
