using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Rewrite;

/// <summary>rewrite against a real backend, which echoes the target and headers it received.</summary>
public sealed class RewriteTests : IAsyncLifetime
{
    private Backend _backend = null!;
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _node = await TestNode.StartAsync();
        var route = await _node.RouteAsync($$"""{"name":"s","host":"127.0.0.1","port":{{_backend.Port}},"path":"/base"}""", """{"name":"r","paths":["/api"]}""");
        await _node.CreateAsync("/plugins", new JsonObject
        {
            ["name"] = "rewrite",
            ["route"] = new JsonObject { ["id"] = route },
            ["config"] = JsonNode.Parse("""
                {"rules":[
                  {"match":"^/api/v1/users/(?<id>[0-9]+)$","path":"/users/${id}/profile","query":"v=1&id=$1","host":"users.internal","headers":{"X-User-Id":"${id}","X-Price":"$$5"}},
                  {"match":"^/api/v1/(.*)$","path":"/legacy/$1"},
                  {"match":"^/api/drop-query$","query":""},
                  {"match":"^/api/.*$","headers":{"X-Matched":"catch-all"}}
                ]}
                """),
        }.ToJsonString());
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task NamedAndNumberedCaptures_RewritePathQueryHostAndHeaders()
    {
        var echo = await GetAsync("/api/v1/users/42?ignored=1");
        Assert.Equal("/users/42/profile?v=1&id=42", echo["target"]!.GetValue<string>());
        Assert.Equal("users.internal", echo["headers"]!["host"]!.GetValue<string>());
        Assert.Equal("42", echo["headers"]!["x-user-id"]!.GetValue<string>());
        Assert.Equal("$5", echo["headers"]!["x-price"]!.GetValue<string>());
    }

    [Fact]
    public async Task FirstMatchingRuleWins_AndTheQueryIsKeptWhenUnset()
    {
        var echo = await GetAsync("/api/v1/users/abc?x=1");
        Assert.Equal("/legacy/users/abc?x=1", echo["target"]!.GetValue<string>());
        Assert.Null(echo["headers"]!["x-matched"]);
    }

    [Fact]
    public async Task CapturedCharacters_ArePercentEscaped()
    {
        var echo = await GetAsync("/api/v1/a%20b");
        Assert.Equal("/legacy/a%20b", echo["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task EmptyQuery_RemovesIt()
    {
        var echo = await GetAsync("/api/drop-query?secret=1");
        Assert.Equal("/base/drop-query", echo["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task HeadersOnlyRule_LeavesTheUsualUpstreamPath()
    {
        var echo = await GetAsync("/api/other?q=2");
        Assert.Equal("/base/other?q=2", echo["target"]!.GetValue<string>());
        Assert.Equal("catch-all", echo["headers"]!["x-matched"]!.GetValue<string>());
    }

    private async Task<JsonNode> GetAsync(string target)
    {
        using var response = await _node.Proxy.GetAsync(target);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }
}
