using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Admin.Rbac;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary><c>/rbac/users</c>: Kong Enterprise's fields and answers; the token is answered and stored only as its bcrypt hash.</summary>
public sealed class RbacUsersTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task Create_Answers201_WithTheHashAndIdent_NeverTheToken()
    {
        var token = RbacCalls.NewToken();
        var (status, user) = await Node.FormAsync(HttpMethod.Post, "/rbac/users", ("name", "alice-create"), ("user_token", token), ("comment", "the first"));

        Assert.Equal(201, status);
        Assert.Equal(
            ["comment", "created_at", "enabled", "id", "name", "updated_at", "user_token", "user_token_ident"],
            user!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("alice-create", user.Text("name"));
        Assert.Equal("the first", user.Text("comment"));
        Assert.True(user["enabled"]!.GetValue<bool>());
        Assert.StartsWith("$2b$09$", user.Text("user_token"));
        Assert.True(RbacToken.Verify(token, user.Text("user_token")));
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(token)))[..5], user.Text("user_token_ident"));
        Assert.DoesNotContain(token, user.ToJsonString(), StringComparison.Ordinal);

        JsonAssert.Equal(user.ToJsonString(), await Node.GetAsync("/rbac/users/alice-create"));
        JsonAssert.Equal(user.ToJsonString(), await Node.GetAsync($"/rbac/users/{user["id"]}"));
        JsonAssert.Equal(user.ToJsonString(), await Node.GetAsync("/default/rbac/users/alice-create"));
    }

    [Fact]
    public async Task ClientIdent_IsIgnored_TokenWhitespace_IsStripped()
    {
        var token = RbacCalls.NewToken();
        var user = await Node.CreateAsync("/rbac/users", new JsonObject { ["name"] = "ident-user", ["user_token"] = $"  {token}\t", ["user_token_ident"] = "00000" }.ToJsonString());

        Assert.Equal(RbacToken.Ident(token), user.Text("user_token_ident"));
        Assert.True(RbacToken.Verify(token, user.Text("user_token")));
    }

    [Fact]
    public async Task PatchToken_RehashesIt_PatchComment_KeepsTheHash_PutOfTheAnswer_DoesNotHashTheHash()
    {
        var user = await Node.UserAsync("patch", RbacCalls.NewToken());
        var path = $"/rbac/users/{user["name"]}";
        var next = RbacCalls.NewToken();

        var (status, patched) = await Node.CallAsync(HttpMethod.Patch, path, new JsonObject { ["user_token"] = next }.ToJsonString());
        Assert.Equal(200, status);
        Assert.True(RbacToken.Verify(next, patched!.Text("user_token")));
        Assert.Equal(RbacToken.Ident(next), patched.Text("user_token_ident"));

        var (_, commented) = await Node.CallAsync(HttpMethod.Patch, path, """{"comment":"renamed","user_token_ident":"fffff"}""");
        Assert.Equal(patched.Text("user_token"), commented!.Text("user_token"));
        Assert.Equal(RbacToken.Ident(next), commented.Text("user_token_ident"));

        var answer = commented!.AsObject();
        var (putStatus, put) = await Node.CallAsync(HttpMethod.Put, path, new JsonObject
        {
            ["user_token"] = answer["user_token"]!.DeepClone(),
            ["user_token_ident"] = answer["user_token_ident"]!.DeepClone(),
            ["comment"] = "put",
        }.ToJsonString());
        Assert.Equal(200, putStatus);
        Assert.Equal(patched.Text("user_token"), put!.Text("user_token"));
        Assert.Equal(RbacToken.Ident(next), put.Text("user_token_ident"));
        Assert.Equal(user.Text("id"), put.Text("id"));
        Assert.Equal(user["created_at"]!.GetValue<long>(), put!["created_at"]!.GetValue<long>());
    }

    [Fact]
    public async Task TokenAnotherUserHas_IsAUniqueViolation_OnUserToken()
    {
        var token = RbacCalls.NewToken();
        await Node.UserAsync("first", token);

        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/rbac/users", new JsonObject { ["name"] = "second-holder", ["user_token"] = token }.ToJsonString());

        Assert.Equal(409, status);
        Assert.Equal(5, body!["code"]!.GetValue<int>());
        Assert.Equal("unique constraint violation", body.Text("name"));
        Assert.StartsWith("$2b$09$", body["fields"]!.Text("user_token"));
        Assert.Equal($"UNIQUE violation detected on '{{user_token=\"{body["fields"]!.Text("user_token")}\"}}'", body.Text("message"));
        Assert.DoesNotContain(token, body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, "/rbac/users/second-holder")).Status);

        var other = await Node.UserAsync("other", RbacCalls.NewToken());
        var (patchStatus, _) = await Node.CallAsync(HttpMethod.Patch, $"/rbac/users/{other["id"]}", new JsonObject { ["user_token"] = token }.ToJsonString());
        Assert.Equal(409, patchStatus);
    }

    [Fact]
    public async Task SchemaErrors_AreKongs400_DuplicateName_Is409()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/rbac/users", """{"name":"no-token"}""");
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (user_token: required field missing)","fields":{"user_token":"required field missing"}}""",
            body);

        var (unknownStatus, unknown) = await Node.CallAsync(HttpMethod.Post, "/rbac/users", """{"name":"x-unknown","user_token":"t-unknown-field","colour":"red"}""");
        Assert.Equal(400, unknownStatus);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (colour: unknown field)","fields":{"colour":"unknown field"}}""",
            unknown);

        var user = await Node.UserAsync("dup", RbacCalls.NewToken());
        var (dupStatus, dup) = await Node.CallAsync(HttpMethod.Post, "/rbac/users", new JsonObject { ["name"] = user["name"]!.DeepClone(), ["user_token"] = RbacCalls.NewToken() }.ToJsonString());
        Assert.Equal(409, dupStatus);
        JsonAssert.Equal(
            new JsonObject
            {
                ["code"] = 5,
                ["name"] = "unique constraint violation",
                ["message"] = $"UNIQUE violation detected on '{{name=\"{user["name"]}\"}}'",
                ["fields"] = new JsonObject { ["name"] = user["name"]!.DeepClone() },
            }.ToJsonString(),
            dup);
    }

    [Fact]
    public async Task UnknownUser_Is404_NoRbacUserByNameOrId()
    {
        foreach (var path in new[] { "/rbac/users/nobody-here", "/rbac/users/nobody-here/roles" })
        {
            var (status, body) = await Node.CallAsync(HttpMethod.Get, path);
            Assert.Equal(404, status);
            JsonAssert.Equal("""{"message":"No RBAC user by name or id nobody-here"}""", body);
        }

        var (patchStatus, _) = await Node.CallAsync(HttpMethod.Patch, "/rbac/users/nobody-here", """{"comment":"x"}""");
        Assert.Equal(404, patchStatus);
    }

    [Fact]
    public async Task Delete_Is204_ThenTheUserIsGone()
    {
        var user = await Node.UserAsync("delete", RbacCalls.NewToken());
        using var deleted = await Node.SendJsonAsync(HttpMethod.Delete, $"/rbac/users/{user["name"]}");
        Assert.Equal(204, (int)deleted.StatusCode);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, $"/rbac/users/{user["id"]}")).Status);
        using var again = await Node.SendJsonAsync(HttpMethod.Delete, $"/rbac/users/{user["name"]}");
        Assert.Equal(204, (int)again.StatusCode);
    }

    [Fact]
    public async Task List_PagesAsKong()
    {
        await Node.UserAsync("page-a", RbacCalls.NewToken());
        await Node.UserAsync("page-b", RbacCalls.NewToken());

        var first = await Node.GetAsync("/rbac/users?size=1");
        Assert.Single(first["data"]!.AsArray());
        var offset = first.Text("offset");
        Assert.Equal($"/rbac/users?offset={Uri.EscapeDataString(offset)}&size=1", first.Text("next"));

        var all = await Node.GetAsync("/rbac/users?size=1000");
        Assert.Null(all["next"]);
        Assert.True(all["data"]!.AsArray().Count >= 2);
    }

    [Fact]
    public async Task Put_ByName_CreatesTheUser()
    {
        var token = RbacCalls.NewToken();
        var (status, user) = await Node.CallAsync(HttpMethod.Put, "/rbac/users/put-created", new JsonObject { ["user_token"] = token }.ToJsonString());

        Assert.Equal(200, status);
        Assert.Equal("put-created", user!.Text("name"));
        Assert.True(RbacToken.Verify(token, user.Text("user_token")));
    }
}
