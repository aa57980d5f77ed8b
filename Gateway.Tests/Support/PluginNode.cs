using System.Text.Json.Nodes;

namespace Gateway.Tests.Support;

/// <summary>
/// One in-process node and one echo backend shared by the plugin test classes (the "plugins"
/// collection), so the suite starts a node once. Each test makes its own route, so tests never see
/// each other's plugins.
/// </summary>
public sealed class PluginNode : NodeFixture
{
    private int _routes;

    /// <summary>A client for the proxy.</summary>
    public HttpClient Proxy => Node.Proxy;

    /// <inheritdoc/>
    protected override string BackendName => "backend";

    /// <inheritdoc/>
    protected override string[] NodeArguments => ["--plugins", "bundled,Gateway.Tests"];

    /// <summary>A new service and route (path <c>/t{n}</c>) with the given plugins on the route; returns the path.</summary>
    public async Task<string> RouteWithPluginsAsync(params (string Name, string Config)[] plugins)
    {
        var n = Interlocked.Increment(ref _routes);
        var path = $"/t{n}";
        var service = await Node.CreateAsync("/services", $$"""{"host":"127.0.0.1","port":{{Backend.Port}}}""");
        var route = await Node.CreateAsync($"/services/{service["id"]}/routes", $$"""{"paths":["{{path}}"]}""");
        foreach (var (name, config) in plugins)
        {
            await Node.CreateAsync($"/routes/{route["id"]}/plugins", $$"""{"name":"{{name}}","config":{{config}}}""");
        }

        return path;
    }

    /// <summary>Sends a request; the caller disposes the response.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Proxy.SendAsync(request);
    }

    /// <summary>The headers the backend received, from its echo.</summary>
    public static async Task<JsonObject> UpstreamHeadersAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["headers"]!.AsObject();
}
