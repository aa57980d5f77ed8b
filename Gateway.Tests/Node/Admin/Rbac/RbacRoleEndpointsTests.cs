using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary><c>/rbac/roles/{r}/endpoints</c>: Kong's fields, <c>actions</c> in and out, the normalized endpoint, the messages.</summary>
public sealed class RbacRoleEndpointsTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task Post_NormalizesTheEndpoint_AndAnswersActionsAsAnArray()
    {
        var role = await Node.RoleAsync("reader");
        var (status, permission) = await Node.FormAsync(
            HttpMethod.Post, $"/rbac/roles/{role["name"]}/endpoints", ("endpoint", "services/"), ("actions", "read,create"), ("comment", "services"));

        Assert.Equal(201, status);
        var created = permission!.AsObject();
        Assert.Equal(
            ["actions", "comment", "created_at", "endpoint", "negative", "role", "updated_at", "workspace"],
            created.Select(p => p.Key).Order(StringComparer.Ordinal));
        JsonAssert.Equal("""["create","read"]""", created["actions"]);
        Assert.Equal("/services", created.Text("endpoint"));
        Assert.Equal("default", created.Text("workspace"));
        Assert.False(created["negative"]!.GetValue<bool>());
        Assert.Equal("services", created.Text("comment"));
        JsonAssert.Equal(new JsonObject { ["id"] = role["id"]!.DeepClone() }.ToJsonString(), created["role"]);

        JsonAssert.Equal(created.ToJsonString(), await Node.GetAsync($"/rbac/roles/{role["name"]}/endpoints/default/services"));
        var list = await Node.GetAsync($"/rbac/roles/{role["id"]}/endpoints");
        JsonAssert.Equal(new JsonObject { ["data"] = new JsonArray(created.DeepClone()), ["next"] = null }.ToJsonString(), list);
    }

    [Theory]
    [InlineData("""["read","update"]""", """["update","read"]""")]
    [InlineData("\"*\"", """["delete","create","update","read"]""")]
    [InlineData("\"delete, read\"", """["delete","read"]""")]
    public async Task Actions_AsAListAnArrayOrStar_AreShownInKongsOrder(string given, string shown)
    {
        var role = await Node.RoleAsync("actions");
        var (status, permission) = await Node.CallAsync(
            HttpMethod.Post, $"/rbac/roles/{role["name"]}/endpoints", $$"""{"workspace":"*","endpoint":"/routes/*","actions":{{given}},"negative":true}""");

        Assert.Equal(201, status);
        JsonAssert.Equal(shown, permission!["actions"]);
        Assert.Equal("*", permission.Text("workspace"));
        Assert.True(permission["negative"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Refusals_AreKongsMessages()
    {
        var role = await Node.RoleAsync("refusals");
        var path = $"/rbac/roles/{role["name"]}/endpoints";

        var (undefined, undefinedBody) = await Node.FormAsync(HttpMethod.Post, path, ("endpoint", "/services"), ("actions", "read,fly"));
        Assert.Equal(400, undefined);
        JsonAssert.Equal("""{"message":"Undefined RBAC action fly"}""", undefinedBody);

        var (missing, missingBody) = await Node.FormAsync(HttpMethod.Post, path, ("actions", "read"));
        Assert.Equal(400, missing);
        JsonAssert.Equal("""{"message":"'endpoint' is a required field"}""", missingBody);

        var (workspace, workspaceBody) = await Node.FormAsync(HttpMethod.Post, path, ("workspace", "teamA"), ("endpoint", "/services"));
        Assert.Equal(404, workspace);
        JsonAssert.Equal("""{"message":"Workspace teamA does not exist"}""", workspaceBody);

        Assert.Equal(201, (await Node.FormAsync(HttpMethod.Post, path, ("endpoint", "/services"))).Status);
        var (duplicate, duplicateBody) = await Node.FormAsync(HttpMethod.Post, path, ("endpoint", "/services/"), ("actions", "read"));
        Assert.Equal(409, duplicate);
        Assert.Equal(5, duplicateBody!["code"]!.GetValue<int>());

        Assert.Equal(["/services"], (await Node.GetAsync(path))["data"]!.AsArray().Select(p => p.Text("endpoint")));
        Assert.Equal(404, (await Node.FormAsync(HttpMethod.Post, "/rbac/roles/no-such-role/endpoints", ("endpoint", "/services"))).Status);
    }

    [Fact]
    public async Task OnePermission_ByWorkspaceAndAPathOfSeveralSegments_PatchAndDelete()
    {
        var role = await Node.RoleAsync("deep");
        var created = await Node.CreateAsync($"/default/rbac/roles/{role["name"]}/endpoints", """{"endpoint":"/services/*/routes","actions":"read"}""");
        var path = $"/rbac/roles/{role["name"]}/endpoints/default/services/*/routes";
        JsonAssert.Equal(created.ToJsonString(), await Node.GetAsync(path));

        var (status, patched) = await Node.CallAsync(HttpMethod.Patch, path, """{"actions":["read","delete"],"negative":true,"endpoint":"/elsewhere"}""");
        Assert.Equal(200, status);
        JsonAssert.Equal("""["delete","read"]""", patched!["actions"]);
        Assert.True(patched["negative"]!.GetValue<bool>());
        Assert.Equal("/services/*/routes", patched.Text("endpoint"));
        JsonAssert.Equal(patched.ToJsonString(), await Node.GetAsync(path));

        var (badStatus, bad) = await Node.CallAsync(HttpMethod.Patch, path, """{"actions":"write"}""");
        Assert.Equal(400, badStatus);
        JsonAssert.Equal("""{"message":"Undefined RBAC action write"}""", bad);

        using var deleted = await Node.SendJsonAsync(HttpMethod.Delete, path);
        Assert.Equal(204, (int)deleted.StatusCode);
        JsonAssert.Equal("""{"message":"Not found"}""", (await Node.CallAsync(HttpMethod.Get, path)).Body);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, $"/rbac/roles/{role["name"]}/endpoints/*/services/*/routes")).Status);
    }
}
