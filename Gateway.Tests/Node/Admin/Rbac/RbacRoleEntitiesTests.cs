using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary>
/// <c>/rbac/roles/{r}/entities</c>, <c>/rbac/users/{u}/permissions</c> and the <c>/rbac</c> paths in <c>/endpoints</c>:
/// Kong's fields and answers.
/// </summary>
public sealed class RbacRoleEntitiesTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task Post_FindsTheEntityType_FromTheEntityTheIdNames()
    {
        var role = await Node.RoleAsync("entities");
        var service = await Node.CreateAsync("/services", """{"name":"rbac-entity-svc","url":"http://127.0.0.1:9/"}""");
        var (status, permission) = await Node.FormAsync(
            HttpMethod.Post, $"/rbac/roles/{role["name"]}/entities", ("entity_id", service.Text("id")), ("actions", "read,update"), ("comment", "one service"));

        Assert.Equal(201, status);
        var created = permission!.AsObject();
        Assert.Equal(
            ["actions", "comment", "created_at", "entity_id", "entity_type", "negative", "role", "updated_at"],
            created.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(service.Text("id"), created.Text("entity_id"));
        Assert.Equal("services", created.Text("entity_type"));
        JsonAssert.Equal("""["update","read"]""", created["actions"]);
        Assert.False(created["negative"]!.GetValue<bool>());
        JsonAssert.Equal(created.ToJsonString(), await Node.GetAsync($"/rbac/roles/{role["name"]}/entities/{service["id"]}"));
        JsonAssert.Equal(
            new JsonObject { ["data"] = new JsonArray(created.DeepClone()), ["next"] = null }.ToJsonString(),
            await Node.GetAsync($"/default/rbac/roles/{role["id"]}/entities"));
    }

    [Fact]
    public async Task Star_IsTheWildcardType_PatchAndDelete()
    {
        var role = await Node.RoleAsync("wildcard");
        var created = await Node.CreateAsync($"/rbac/roles/{role["name"]}/entities", """{"entity_id":"*","actions":"*","negative":true}""");
        Assert.Equal("wildcard", created.Text("entity_type"));
        JsonAssert.Equal("""["delete","create","update","read"]""", created["actions"]);

        var path = $"/rbac/roles/{role["name"]}/entities/*";
        var (status, patched) = await Node.CallAsync(HttpMethod.Patch, path, """{"actions":["read"],"negative":false,"entity_id":"other"}""");
        Assert.Equal(200, status);
        JsonAssert.Equal("""["read"]""", patched!["actions"]);
        Assert.False(patched["negative"]!.GetValue<bool>());
        Assert.Equal("*", patched.Text("entity_id"));

        using var deleted = await Node.SendJsonAsync(HttpMethod.Delete, path);
        Assert.Equal(204, (int)deleted.StatusCode);
        JsonAssert.Equal("""{"message":"Not found"}""", (await Node.CallAsync(HttpMethod.Get, path)).Body);
    }

    [Fact]
    public async Task Refusals_AreKongsMessages()
    {
        var role = await Node.RoleAsync("entity-refusals");
        var path = $"/rbac/roles/{role["name"]}/entities";

        JsonAssert.Equal("""{"message":"'entity_id' is a required field"}""", (await Node.FormAsync(HttpMethod.Post, path, ("actions", "read"))).Body);
        var (unknown, unknownBody) = await Node.FormAsync(HttpMethod.Post, path, ("entity_id", Guid.NewGuid().ToString()));
        Assert.Equal(400, unknown);
        Assert.StartsWith("No entity with id ", unknownBody.Text("message"));
        JsonAssert.Equal("""{"message":"Undefined RBAC action jump"}""", (await Node.FormAsync(HttpMethod.Post, path, ("entity_id", "*"), ("actions", "jump"))).Body);
        JsonAssert.Equal("""{"data":[],"next":null}""", await Node.GetAsync(path));
    }

    [Fact]
    public async Task UserPermissions_JoinTheRolesPermissions_AsKongShowsThem()
    {
        var user = await Node.UserAsync("perms", RbacCalls.NewToken());
        var reader = await Node.RoleAsync("perm-reader");
        var writer = await Node.RoleAsync("perm-writer");
        await Node.CreateAsync($"/rbac/roles/{reader["name"]}/endpoints", """{"endpoint":"/services","actions":"read"}""");
        await Node.CreateAsync($"/rbac/roles/{writer["name"]}/endpoints", """{"endpoint":"/services","actions":"create"}""");
        await Node.CreateAsync($"/rbac/roles/{writer["name"]}/endpoints", """{"workspace":"*","endpoint":"/rbac/*","actions":"*","negative":true}""");
        await Node.CreateAsync($"/rbac/roles/{writer["name"]}/entities", """{"entity_id":"*","actions":"read"}""");
        await Node.CallAsync(HttpMethod.Post, $"/rbac/users/{user["name"]}/roles", new JsonObject { ["roles"] = $"{reader["name"]},{writer["name"]}" }.ToJsonString());

        JsonAssert.Equal(
            """
            {
              "endpoints": {
                "*": { "/rbac/*": { "actions": ["delete","create","update","read"], "negative": true } },
                "default": { "/services": { "actions": ["create","read"], "negative": false } }
              },
              "entities": { "*": { "actions": ["read"], "negative": false } }
            }
            """,
            await Node.GetAsync($"/rbac/users/{user["name"]}/permissions"));

        var lonely = await Node.UserAsync("no-roles", RbacCalls.NewToken());
        JsonAssert.Equal("""{"endpoints":{},"entities":{}}""", await Node.GetAsync($"/rbac/users/{lonely["id"]}/permissions"));
        JsonAssert.Equal("""{"message":"No RBAC user by name or id ghost"}""", (await Node.CallAsync(HttpMethod.Get, "/rbac/users/ghost/permissions")).Body);
    }

    [Fact]
    public async Task Endpoints_ListsTheRbacPaths_AndNoneForTheRbacEntitiesForeignKeys()
    {
        var paths = (await Node.GetAsync("/endpoints"))["data"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();

        Assert.Equal(
            [
                "/rbac/roles", "/rbac/roles/{rbac_roles}", "/rbac/roles/{rbac_roles}/endpoints", "/rbac/roles/{rbac_roles}/endpoints/{workspace}/*",
                "/rbac/roles/{rbac_roles}/entities", "/rbac/roles/{rbac_roles}/entities/{entity_id}",
                "/rbac/users", "/rbac/users/{rbac_users}", "/rbac/users/{rbac_users}/permissions", "/rbac/users/{rbac_users}/roles",
            ],
            paths.Where(p => p.Contains("rbac", StringComparison.Ordinal)));
        Assert.Contains("/upstreams/{upstreams}/targets", paths);
    }
}
