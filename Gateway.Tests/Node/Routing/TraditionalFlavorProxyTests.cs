using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Routing;

/// <summary>A node with router_flavor = traditional joins paths per route's path_handling, as Kong 2.x did.</summary>
public sealed class TraditionalFlavorProxyTests : IAsyncLifetime
{
    private Backend _backend = null!;
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _node = await TestNode.StartAsync("--router_flavor", "traditional");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData("v1", "/v1/foos", "/fee/bors")]
    [InlineData("v1", "/v1/foo/bar", "/fee/bor/bar")]
    [InlineData("v0", "/v0/foos", "/fee/bor/s")]
    public async Task PathHandling_DecidesHowServiceAndRequestPathsJoin(string handling, string requestPath, string upstreamPath)
    {
        await _node.RouteAsync(
            $$"""{"host":"127.0.0.1","port":{{_backend.Port}},"path":"/fee/bor"}""",
            $$"""{"paths":["/{{handling}}/foo"],"strip_path":true,"path_handling":"{{handling}}"}""");

        using var response = await _node.Proxy.GetAsync(requestPath);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(upstreamPath, echo["target"]!.GetValue<string>());
    }
}
