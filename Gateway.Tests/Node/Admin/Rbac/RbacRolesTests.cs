using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary><c>/rbac/roles</c> and <c>/rbac/users/{u}/roles</c>: Kong Enterprise's fields, answers and messages.</summary>
public sealed class RbacRolesTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task Create_Answers201_WithKongsFields()
    {
        var (status, role) = await Node.FormAsync(HttpMethod.Post, "/rbac/roles", ("name", "ops-create"), ("comment", "operators"));

        Assert.Equal(201, status);
        Assert.Equal(["comment", "created_at", "id", "is_default", "name", "updated_at"], role!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("operators", role.Text("comment"));
        Assert.False(role["is_default"]!.GetValue<bool>());
        JsonAssert.Equal(role.ToJsonString(), await Node.GetAsync("/rbac/roles/ops-create"));
        JsonAssert.Equal(role.ToJsonString(), await Node.GetAsync($"/default/rbac/roles/{role["id"]}"));
    }

    [Fact]
    public async Task IsDefault_IsImmutable()
    {
        var role = await Node.RoleAsync("immutable");
        var (status, body) = await Node.CallAsync(HttpMethod.Patch, $"/rbac/roles/{role["name"]}", """{"is_default":true}""");

        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (is_default: immutable field cannot be updated)","fields":{"is_default":"immutable field cannot be updated"}}""",
            body);

        var (patchStatus, patched) = await Node.CallAsync(HttpMethod.Patch, $"/rbac/roles/{role["name"]}", """{"comment":"changed","is_default":false}""");
        Assert.Equal(200, patchStatus);
        Assert.Equal("changed", patched!.Text("comment"));
    }

    [Fact]
    public async Task Put_Upserts_ByName()
    {
        var (created, role) = await Node.CallAsync(HttpMethod.Put, "/rbac/roles/put-role", """{"comment":"one"}""");
        Assert.Equal(200, created);
        Assert.Equal("put-role", role!.Text("name"));

        var (replaced, again) = await Node.CallAsync(HttpMethod.Put, "/rbac/roles/put-role", """{"comment":"two"}""");
        Assert.Equal(200, replaced);
        Assert.Equal(role.Text("id"), again!.Text("id"));
        Assert.Equal("two", again.Text("comment"));
    }

    [Fact]
    public async Task UnknownRole_Is404_Delete_Is204_AndTakesItsGrantsAndPermissions()
    {
        JsonAssert.Equal("""{"message":"Not found"}""", (await Node.CallAsync(HttpMethod.Get, "/rbac/roles/no-such-role")).Body);

        var role = await Node.RoleAsync("doomed");
        var user = await Node.UserAsync("doomed-holder", RbacCalls.NewToken());
        Assert.Equal(201, (await Node.FormAsync(HttpMethod.Post, $"/rbac/users/{user["name"]}/roles", ("roles", role.Text("name")))).Status);
        Assert.Equal(201, (await Node.FormAsync(HttpMethod.Post, $"/rbac/roles/{role["name"]}/endpoints", ("endpoint", "/services"), ("actions", "read"))).Status);

        using var deleted = await Node.SendJsonAsync(HttpMethod.Delete, $"/rbac/roles/{role["name"]}");
        Assert.Equal(204, (int)deleted.StatusCode);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, $"/rbac/roles/{role["id"]}")).Status);
        Assert.Empty((await Node.GetAsync($"/rbac/users/{user["name"]}/roles"))["roles"]!.AsArray());
    }

    [Fact]
    public async Task UserRoles_PostGrants201_GetLists_DeleteTakesBack204()
    {
        var user = await Node.UserAsync("holder", RbacCalls.NewToken());
        var a = await Node.RoleAsync("a");
        var b = await Node.RoleAsync("b");
        var path = $"/rbac/users/{user["name"]}/roles";

        var (status, granted) = await Node.FormAsync(HttpMethod.Post, path, ("roles", $"{a["name"]}, {b["name"]}"));
        Assert.Equal(201, status);
        var expected = new JsonObject { ["roles"] = new JsonArray(a.DeepClone(), b.DeepClone()), ["user"] = user.DeepClone() }.ToJsonString();
        JsonAssert.Equal(expected, granted);
        JsonAssert.Equal(expected, await Node.GetAsync(path));

        // Granting a held role again changes nothing.
        var (againStatus, again) = await Node.CallAsync(HttpMethod.Post, path, new JsonObject { ["roles"] = new JsonArray(a.Text("name")) }.ToJsonString());
        Assert.Equal(201, againStatus);
        JsonAssert.Equal(expected, again);

        var (deleted, body) = await Node.FormAsync(HttpMethod.Delete, path, ("roles", a.Text("name")));
        Assert.Equal(204, deleted);
        Assert.Null(body);
        JsonAssert.Equal(new JsonObject { ["roles"] = new JsonArray(b.DeepClone()), ["user"] = user.DeepClone() }.ToJsonString(), await Node.GetAsync(path));
    }

    [Fact]
    public async Task UserRoles_WithoutRoles_Or_AnUnknownRole_Is400()
    {
        var user = await Node.UserAsync("refused", RbacCalls.NewToken());
        var path = $"/rbac/users/{user["name"]}/roles";

        JsonAssert.Equal("""{"message":"must provide >= 1 role"}""", (await Node.FormAsync(HttpMethod.Post, path)).Body);
        var (status, body) = await Node.FormAsync(HttpMethod.Post, path, ("roles", " , "));
        Assert.Equal(400, status);
        JsonAssert.Equal("""{"message":"must provide >= 1 role"}""", body);
        Assert.Equal(400, (await Node.FormAsync(HttpMethod.Delete, path)).Status);

        var known = await Node.RoleAsync("known");
        var (unknownStatus, unknown) = await Node.FormAsync(HttpMethod.Post, path, ("roles", $"{known["name"]},ghost-role"));
        Assert.Equal(400, unknownStatus);
        JsonAssert.Equal("""{"message":"role not found with name 'ghost-role'"}""", unknown);
        Assert.Empty((await Node.GetAsync(path))["roles"]!.AsArray());
    }
}
