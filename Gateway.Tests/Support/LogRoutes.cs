using System.Text.Json.Nodes;

namespace Gateway.Tests.Support;

/// <summary>
/// Routes for the log plugin tests on the shared <see cref="PluginNode"/>: a service named for the test (names are
/// in what statsd and datadog send), a route on <c>/NAME</c>, the plugin on the route, and optionally key-auth with a
/// consumer of its own (username NAME-user, custom_id NAME-custom, key NAME-key).
/// </summary>
public static class LogRoutes
{
    /// <summary>A route with <paramref name="plugin"/> configured as <paramref name="config"/>; returns the service, route and consumer rows.</summary>
    public static async Task<(JsonObject Service, JsonObject Route, JsonObject? Consumer)> CreateAsync(
        PluginNode node, string name, string plugin, string config, bool withConsumer = false)
    {
        var service = await node.Node.CreateAsync("/services", $$"""{"name":"{{name}}","host":"127.0.0.1","port":{{node.Backend.Port}}}""");
        var route = await node.Node.CreateAsync($"/services/{service["id"]}/routes", $$"""{"paths":["/{{name}}"]}""");
        JsonObject? consumer = null;
        if (withConsumer)
        {
            consumer = await node.Node.CreateAsync("/consumers", $$"""{"username":"{{name}}-user","custom_id":"{{name}}-custom"}""");
            await node.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", $$"""{"key":"{{name}}-key"}""");
            await node.Node.CreateAsync($"/routes/{route["id"]}/plugins", """{"name":"key-auth"}""");
        }

        await node.Node.CreateAsync($"/routes/{route["id"]}/plugins", $$"""{"name":"{{plugin}}","config":{{config}}}""");
        return (service, route, consumer);
    }

    /// <summary>A name no other test on the shared node uses.</summary>
    public static string UniqueName(string stem) => $"{stem}{Guid.NewGuid():N}"[..(stem.Length + 8)];
}
