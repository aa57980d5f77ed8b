using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.AccessControl;

/// <summary>
/// access-control against a real backend; consumers come from the test header-consumer plugin, their
/// groups from their acls rows.
/// </summary>
public sealed class AccessControlTests : IAsyncLifetime
{
    private const string Rules = """
        [
          {"action":"deny","sources":["10.1.2.3/8"]},
          {"action":"allow","consumers":["alice"]},
          {"action":"deny","methods":["DELETE"],"paths":["/ac/admin"]},
          {"action":"allow","headers":{"X-Team":"blue"}},
          {"action":"allow","methods":["GET"],"paths":["~^/ac/public/[a-z]+$"]},
          {"action":"allow","consumer_groups":["staff","ops"]},
          {"action":"deny","sources":["127.0.0.0/8","::1"]}
        ]
        """;

    private Backend _backend = null!;
    private TestNode _node = null!;
    private string _plugin = "";

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _node = await TestNode.StartAsync("--plugins", "bundled,Gateway.Tests");
        await _node.CreateAsync("/plugins", $$"""{"name":"{{HeaderConsumerPlugin.PluginName}}"}""");
        await _node.CreateAsync("/consumers", """{"username":"alice"}""");
        await _node.CreateAsync("/consumers", """{"username":"bob"}""");
        await _node.CreateAsync("/consumers", """{"username":"carol"}""");
        await _node.CreateAsync("/consumers/carol/acls", """{"group":"ops"}""");
        await _node.CreateAsync("/consumers/bob/acls", """{"group":"guests"}""");
        var route = await _node.RouteAsync($$"""{"name":"s","host":"127.0.0.1","port":{{_backend.Port}}}""", """{"paths":["/ac"],"strip_path":false}""");
        var plugin = await _node.CreateAsync("/plugins", new JsonObject
        {
            ["name"] = "access-control",
            ["route"] = new JsonObject { ["id"] = route },
            ["config"] = new JsonObject { ["rules"] = JsonNode.Parse(Rules) },
        }.ToJsonString());
        _plugin = plugin["id"]!.GetValue<string>();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [InlineData("DELETE", "/ac/admin", "alice", null)]
    [InlineData("GET", "/ac/x", "bob", "blue")]
    [InlineData("GET", "/ac/public/abc", null, null)]
    [InlineData("GET", "/ac/x", "carol", null)]
    public async Task AllowedByARule_ReachesTheUpstream(string method, string path, string? consumer, string? team)
    {
        var (status, body) = await SendAsync(method, path, consumer, team);
        Assert.True(status == HttpStatusCode.OK, body);
    }

    [Theory]
    [InlineData("DELETE", "/ac/admin", "bob", "blue", "rules[3]")]
    [InlineData("DELETE", "/ac/admin/users", null, null, "rules[3]")]
    [InlineData("GET", "/ac/x", "bob", "red", "rules[7]")]
    [InlineData("DELETE", "/ac/admin", "carol", null, "rules[3]")]
    [InlineData("GET", "/ac/public/ABC", null, null, "rules[7]")]
    [InlineData("POST", "/ac/public/abc", null, null, "rules[7]")]
    public async Task DeniedByARule_SaysWhichRule(string method, string path, string? consumer, string? team, string rule)
    {
        var (status, body) = await SendAsync(method, path, consumer, team);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal($$"""{"message":"You cannot consume this service","denied_by":"{{rule}}"}""", body);
    }

    [Fact]
    public async Task ConfigChange_AppliesToTheNextRequest()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync("GET", "/ac/x", null, null)).Status);

        await _node.PatchAsync($"/plugins/{_plugin}", """{"config":{"rules":[{"action":"allow","methods":["PUT"]}],"status":401,"message":"nope"}}""");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("PUT", "/ac/x", null, null)).Status);
        var (status, body) = await SendAsync("GET", "/ac/x", null, null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("""{"message":"nope","denied_by":"default_action"}""", body);
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(string method, string path, string? consumer, string? team)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (consumer is not null)
        {
            request.Headers.Add("X-Test-Consumer", consumer);
        }

        if (team is not null)
        {
            request.Headers.Add("X-Team", team);
        }

        using var response = await _node.Proxy.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
