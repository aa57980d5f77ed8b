using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Pipeline;

/// <summary>
/// A custom plugin owns an entity as bundled auth plugins own their credentials (Kong's daos.lua): the
/// Admin API serves it, and the plugin finds its rows on the proxy.
/// </summary>
[Collection(PluginNodeCollection.Name)]
public sealed class PluginEntitiesTests(PluginNode node)
{
    [Fact]
    public async Task CustomPluginEntity_IsServedByTheAdminApi_AndReadByItsPlugin()
    {
        var username = "tok-" + Guid.NewGuid().ToString("N");
        var consumer = await node.Node.CreateAsync("/consumers", $$"""{"username":"{{username}}"}""");
        var token = await node.Node.CreateAsync($"/consumers/{username}/test-tokens", $$"""{"token":"{{username}}-secret"}""");
        Assert.Equal(consumer["id"]!.GetValue<string>(), token["consumer"]!["id"]!.GetValue<string>());

        using (var byKey = await node.Node.Admin.GetAsync($"/test-tokens/{username}-secret"))
        {
            Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        }

        using (var schema = await node.Node.Admin.GetAsync("/schemas/test_tokens"))
        {
            Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        }

        using (var invalid = await node.Node.Admin.PostAsync($"/consumers/{username}/test-tokens", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Equal("required field missing", JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["fields"]!["token"]!.GetValue<string>());
        }

        var path = await node.RouteWithPluginsAsync((TokenAuthPlugin.PluginName, "{}"));
        using (var refused = await node.SendAsync(HttpMethod.Get, path, ("X-Test-Token", "wrong")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var allowed = await node.SendAsync(HttpMethod.Get, path, ("X-Test-Token", $"{username}-secret"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(username, (await PluginNode.UpstreamHeadersAsync(allowed))["x-consumer-username"]!.GetValue<string>());
    }

    [Fact]
    public async Task EnabledPlugins_AreTheBundledInKongsOrder_ThenTheCustomOnes()
    {
        using var response = await node.Node.Admin.GetAsync("/plugins/enabled");
        var enabled = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["enabled_plugins"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(["jwt", "acl", "correlation-id", "cors", "oauth2", "tcp-log", "udp-log", "file-log", "http-log"], enabled.Take(9));
        Assert.Contains(TokenAuthPlugin.PluginName, enabled.Skip(30));
    }
}
