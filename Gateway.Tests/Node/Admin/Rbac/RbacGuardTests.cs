using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary>The Admin API with enforce_rbac = both: Kong Enterprise's 401 and 403 answers, the default roles, wildcards, negatives and entity checks.</summary>
public sealed class RbacGuardTests(RbacGuardNode fixture) : IClassFixture<RbacGuardNode>
{
    private const string InvalidCredentials = """{"message":"Invalid RBAC credentials"}""";

    /// <summary>A read and a write of every Admin API endpoint family.</summary>
    private static readonly (string Read, string Write)[] Families =
    [
        ("/services", "/services"), ("/routes", "/routes"), ("/consumers", "/consumers"), ("/plugins", "/plugins"),
        ("/upstreams", "/upstreams"), ("/certificates", "/certificates"), ("/snis", "/snis"), ("/ca_certificates", "/ca_certificates"),
        ("/schemas/services", "/schemas/services/validate"), ("/tags", "/config"), ("/", "/rbac/roles"), ("/rbac/users", "/rbac/users"),
    ];

    [Fact]
    public async Task NoEmptyRepeatedUnknownOrDisabledToken_Is401WithKongsMessage()
    {
        JsonAssert.Equal(InvalidCredentials, await Expect(401, null, HttpMethod.Get, "/services"));
        await Expect(401, "unknown", HttpMethod.Get, "/services");
        await Expect(401, fixture.Users["disabled"].Token, HttpMethod.Get, "/services", raw: true);
        await Expect(401, "   ", HttpMethod.Get, "/services", raw: true);

        using var repeated = new HttpRequestMessage(HttpMethod.Get, "/services");
        repeated.Headers.Add("Kong-Admin-Token", [fixture.Users["super-admin"].Token, fixture.Users["super-admin"].Token]);
        using var response = await fixture.Node.Admin.SendAsync(repeated);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonAssert.Equal(InvalidCredentials, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task ReadOnly_ReadsEveryFamily_AndEveryWriteIs403NamingTheAction()
    {
        var name = fixture.Users["read-only"].Name;
        foreach (var (read, write) in Families)
        {
            Assert.Equal(200, (await fixture.AsAsync("read-only", HttpMethod.Get, read)).Status);
            var body = await Expect(403, "read-only", HttpMethod.Post, write, "{}");
            JsonAssert.Equal($$"""{"message":"{{name}}, you do not have permissions to create this resource"}""", body);
        }

        JsonAssert.Equal($$"""{"message":"{{name}}, you do not have permissions to update this resource"}""",
            await Expect(403, "read-only", HttpMethod.Patch, $"/services/{fixture.Services.Visible}", "{}"));
        JsonAssert.Equal($$"""{"message":"{{name}}, you do not have permissions to delete this resource"}""",
            await Expect(403, "read-only", HttpMethod.Delete, $"/services/{fixture.Services.Visible}"));
    }

    [Fact]
    public async Task Admin_DoesEverythingButRbac_SuperAdminEverything()
    {
        var name = fixture.Users["admin"].Name;
        foreach (var (read, _) in Families.Where(f => !f.Read.StartsWith("/rbac", StringComparison.Ordinal)))
        {
            Assert.Equal(200, (await fixture.AsAsync("admin", HttpMethod.Get, read)).Status);
        }

        Assert.Equal(201, (await fixture.AsAsync("admin", HttpMethod.Post, "/consumers", """{"username":"made-by-admin"}""")).Status);
        Assert.Equal(204, (await fixture.AsAsync("admin", HttpMethod.Delete, "/consumers/made-by-admin")).Status);
        foreach (var path in new[] { "/rbac/users", "/rbac/roles/admin", "/rbac/roles/admin/endpoints", "/rbac/roles/admin/endpoints/*/*", "/default/rbac/users" })
        {
            JsonAssert.Equal($$"""{"message":"{{name}}, you do not have permissions to read this resource"}""",
                await Expect(403, "admin", HttpMethod.Get, path));
        }

        Assert.Equal(200, (await fixture.AsAsync("super-admin", HttpMethod.Get, "/rbac/users")).Status);
        Assert.Equal(200, (await fixture.AsAsync("super-admin", HttpMethod.Get, "/rbac/roles/admin/endpoints")).Status);
        Assert.Equal(201, (await fixture.AsAsync("super-admin", HttpMethod.Post, "/rbac/roles", """{"name":"made-by-super-admin"}""")).Status);
    }

    [Fact]
    public async Task Wildcard_IsOneSegmentPerStar()
    {
        // "/services/*" covers /services/{s}, not /services itself nor /services/{s}/routes.
        Assert.Equal(200, (await fixture.AsAsync("services-star", HttpMethod.Get, "/services/visible")).Status);
        Assert.Equal(404, (await fixture.AsAsync("services-star", HttpMethod.Get, "/services/none-such")).Status);
        await Expect(403, "services-star", HttpMethod.Get, "/services");
        await Expect(403, "services-star", HttpMethod.Get, "/services/visible/routes");
        await Expect(403, "services-star", HttpMethod.Post, "/services/visible");
        await Expect(403, "services-star", HttpMethod.Get, "/routes");
    }

    [Fact]
    public async Task Negative_BeatsTheAllowOfEverything()
    {
        Assert.Equal(201, (await fixture.AsAsync("no-consumer-delete", HttpMethod.Post, "/consumers", """{"username":"kept"}""")).Status);
        Assert.Equal(200, (await fixture.AsAsync("no-consumer-delete", HttpMethod.Get, "/consumers/kept")).Status);
        await Expect(403, "no-consumer-delete", HttpMethod.Delete, "/consumers/kept");
        Assert.Equal(200, (await fixture.AsAsync("super-admin", HttpMethod.Get, "/consumers/kept")).Status);
    }

    [Fact]
    public async Task EntityChecks_FilterListsAndRefuseTheOthers()
    {
        var list = (await fixture.AsAsync("entity", HttpMethod.Get, "/services")).Body!["data"]!.AsArray();
        Assert.Equal([fixture.Services.Visible], list.Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal(200, (await fixture.AsAsync("entity", HttpMethod.Get, "/services/visible")).Status);
        await Expect(403, "entity", HttpMethod.Get, $"/services/{fixture.Services.Hidden}");
        await Expect(403, "entity", HttpMethod.Patch, "/services/visible", "{}");

        var all = (await fixture.AsAsync("super-admin", HttpMethod.Get, "/services")).Body!["data"]!.AsArray();
        Assert.Contains(fixture.Services.Hidden, all.Select(s => s!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DisabledOrDeletedUser_IsRefusedRightAfter_EvenWithItsVerificationCached()
    {
        var token = RbacCalls.NewToken();
        var (status, user) = await fixture.AsAsync("super-admin", HttpMethod.Post, "/rbac/users", $$"""{"name":"short-lived","user_token":"{{token}}"}""");
        Assert.Equal(201, status);
        await AddRoleAsync("short-lived", "read-only");
        await Eventually(200, token);

        Assert.Equal(200, (await fixture.AsAsync("super-admin", HttpMethod.Patch, "/rbac/users/short-lived", """{"enabled":false}""")).Status);
        await Eventually(401, token);
        Assert.Equal(200, (await fixture.AsAsync("super-admin", HttpMethod.Patch, "/rbac/users/short-lived", """{"enabled":true}""")).Status);
        await Eventually(200, token);
        Assert.Equal(204, (await fixture.AsAsync("super-admin", HttpMethod.Delete, $"/rbac/users/{user!["id"]}")).Status);
        await Eventually(401, token);
    }

    [Fact]
    public async Task UserCannotChangeTheirOwnRolesOrEndpoints()
    {
        var name = fixture.Users["super-admin"].Name;
        using var grant = Form(HttpMethod.Post, $"/rbac/users/{name}/roles", "super-admin", ("roles", "read-only"));
        using var answer = await fixture.Node.Admin.SendAsync(grant);
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        JsonAssert.Equal("""{"message":"the admin should not update their own roles"}""", JsonNode.Parse(await answer.Content.ReadAsStringAsync()));

        using var endpoint = Form(HttpMethod.Post, "/rbac/roles/super-admin/endpoints", "super-admin", ("endpoint", "/services"), ("actions", "read"));
        using var refused = await fixture.Node.Admin.SendAsync(endpoint);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        JsonAssert.Equal("""{"message":"the admin should not update or delete their own endpoints"}""", JsonNode.Parse(await refused.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task TargetHealthAndConfig_GoThroughTheCheck()
    {
        Assert.Equal(201, (await fixture.AsAsync("super-admin", HttpMethod.Post, "/upstreams", """{"name":"guarded-up"}""")).Status);
        Assert.Equal(201, (await fixture.AsAsync("super-admin", HttpMethod.Post, "/upstreams/guarded-up/targets", """{"target":"127.0.0.1:9"}""")).Status);
        const string healthy = "/upstreams/guarded-up/targets/127.0.0.1:9/healthy";
        await Expect(401, null, HttpMethod.Post, healthy);
        await Expect(403, "read-only", HttpMethod.Post, healthy);

        // Past the check, the endpoint answers as without RBAC: this upstream has no health checks to override.
        JsonAssert.Equal("""{"message":"no healthchecker found for guarded-up"}""", await Expect(400, "super-admin", HttpMethod.Post, healthy));
        await Expect(401, null, HttpMethod.Post, "/config", "{}");
        await Expect(403, "read-only", HttpMethod.Post, "/config", "{}");
    }

    [Fact]
    public async Task Dashboard_AsksForATokenAsBasicAuth_AndAdmitsAReader()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Node.GuiPort}") };
        using var none = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.StartsWith("Basic realm=", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        JsonAssert.Equal(InvalidCredentials, JsonNode.Parse(await none.Content.ReadAsStringAsync()));

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("x:wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);

        using var reader = new HttpRequestMessage(HttpMethod.Get, "/");
        reader.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"x:{fixture.Users["read-only"].Token}")));
        using var admitted = await client.SendAsync(reader);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);

        using var limited = new HttpRequestMessage(HttpMethod.Get, "/");
        limited.Headers.Add("Kong-Admin-Token", fixture.Users["services-star"].Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(limited)).StatusCode);
    }

    private async Task AddRoleAsync(string user, string role)
    {
        using var request = Form(HttpMethod.Post, $"/rbac/users/{user}/roles", "super-admin", ("roles", role));
        using var response = await fixture.Node.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private HttpRequestMessage Form(HttpMethod method, string path, string user, params (string Name, string Value)[] fields)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Add("Kong-Admin-Token", fixture.Users[user].Token);
        return request;
    }

    /// <summary>The change push reaches the guard's snapshot within milliseconds: retry for up to 5 s.</summary>
    private async Task Eventually(int status, string token)
    {
        var last = 0;
        for (var i = 0; i < 100 && last != status; i++)
        {
            last = (await RbacGuardNode.SendAsync(fixture.Node, token, HttpMethod.Get, "/services")).Status;
            if (last != status)
            {
                await Task.Delay(50);
            }
        }

        Assert.Equal(status, last);
    }

    /// <summary>Sends as a user (a key of the fixture's users), as a raw token when <paramref name="raw"/>, or with no token; asserts the status.</summary>
    private async Task<JsonNode> Expect(int status, string? who, HttpMethod method, string path, string? json = null, bool raw = false)
    {
        var token = who is null ? null : raw || !fixture.Users.ContainsKey(who) ? who : fixture.Users[who].Token;
        var (actual, body) = await RbacGuardNode.SendAsync(fixture.Node, token, method, path, json);
        Assert.True(actual == status, $"{method} {path} as {who ?? "nobody"}: {actual} {body?.ToJsonString()}");
        return body!;
    }
}
