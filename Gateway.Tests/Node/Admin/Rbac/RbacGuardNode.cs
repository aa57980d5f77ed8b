using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary>
/// A node with <c>enforce_rbac = both</c> and users seeded through the RBAC API while it was off: one user per
/// default role, a disabled one, one limited to <c>/services/*</c>, one with a negative on consumer deletes,
/// and one who may read a single service.
/// </summary>
public sealed class RbacGuardNode : IAsyncLifetime
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-rbac-guard-").FullName;

    /// <summary>The node, RBAC on.</summary>
    public TestNode Node { get; private set; } = null!;

    /// <summary>Each seeded user's name and token, by what they are for.</summary>
    public Dictionary<string, (string Name, string Token)> Users { get; } = [];

    /// <summary>The ids of the services "visible" (the entity user may read it) and "hidden".</summary>
    public (string Visible, string Hidden) Services { get; private set; }

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        await using (var open = await TestNode.StartInAsync(_prefix, "--enforce_rbac", "on"))
        {
            await open.StopAsync();
        }

        // The first start with RBAC on seeded the default roles; seed users with RBAC off, then turn it on.
        await using (var seed = await TestNode.StartInAsync(_prefix))
        {
            var visible = await seed.CreateAsync("/services", """{"name":"visible","url":"http://127.0.0.1:9"}""");
            var hidden = await seed.CreateAsync("/services", """{"name":"hidden","url":"http://127.0.0.1:9"}""");
            Services = (visible.Text("id"), hidden.Text("id"));
            await UserAsync(seed, "read-only", "read-only");
            await UserAsync(seed, "admin", "admin");
            await UserAsync(seed, "super-admin", "super-admin");
            await UserAsync(seed, "disabled", "super-admin");
            await seed.PatchAsync($"/rbac/users/{Users["disabled"].Name}", """{"enabled":false}""");
            await UserAsync(seed, "services-star", await RoleAsync(seed, "services-star", ("/services/*", "read", false)));
            await UserAsync(seed, "no-consumer-delete", await RoleAsync(seed, "no-consumer-delete", ("*", "*", false), ("/consumers/*", "delete", true)));
            var entityRole = await RoleAsync(seed, "entity", ("*", "*", false));
            Assert.Equal(201, (await seed.FormAsync(HttpMethod.Post, $"/rbac/roles/{entityRole}/entities", ("entity_id", visible.Text("id")), ("actions", "read"))).Status);
            await UserAsync(seed, "entity", entityRole);
            await seed.StopAsync();
        }

        Node = await TestNode.StartInAsync(_prefix, "--enforce_rbac", "both", "--rbac_auth_failures_per_minute", "0");
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        Directory.Delete(_prefix, recursive: true);
    }

    /// <summary>Sends a request as <paramref name="user"/> (a key of <see cref="Users"/>), or with no token when null.</summary>
    public Task<(int Status, JsonNode? Body)> AsAsync(string? user, HttpMethod method, string path, string? json = null) =>
        SendAsync(Node, user is null ? null : Users[user].Token, method, path, json);

    /// <summary>Sends a request with <paramref name="token"/> in Kong-Admin-Token (none when null).</summary>
    public static async Task<(int Status, JsonNode? Body)> SendAsync(TestNode node, string? token, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Add("Kong-Admin-Token", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await node.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task UserAsync(TestNode seed, string key, string role)
    {
        var token = RbacCalls.NewToken();
        var user = await seed.UserAsync(key, token);
        Assert.Equal(201, (await seed.FormAsync(HttpMethod.Post, $"/rbac/users/{user.Text("name")}/roles", ("roles", role))).Status);
        Users[key] = (user.Text("name"), token);
    }

    /// <summary>A role with these endpoint permissions and every entity permission (the node checks both).</summary>
    private static async Task<string> RoleAsync(TestNode seed, string prefix, params (string Endpoint, string Actions, bool Negative)[] endpoints)
    {
        var role = (await seed.RoleAsync(prefix)).Text("name");
        if (prefix != "entity")
        {
            Assert.Equal(201, (await seed.FormAsync(HttpMethod.Post, $"/rbac/roles/{role}/entities", ("entity_id", "*"), ("actions", "*"))).Status);
        }

        foreach (var (endpoint, actions, negative) in endpoints)
        {
            var (status, body) = await seed.FormAsync(HttpMethod.Post, $"/rbac/roles/{role}/endpoints",
                ("workspace", "*"), ("endpoint", endpoint), ("actions", actions), ("negative", negative ? "true" : "false"));
            Assert.True(status == 201, body?.ToJsonString());
        }

        return role;
    }
}
