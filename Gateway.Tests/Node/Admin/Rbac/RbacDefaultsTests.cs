using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Node.Admin.Rbac;
using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary>
/// The default roles and <c>kong_admin</c>: seeded by <c>migrations bootstrap</c> (and <c>up</c>) as Kong Enterprise's
/// first migration seeds them, and never twice; a start with RBAC off writes nothing.
/// </summary>
public sealed class RbacDefaultsTests : IAsyncLifetime
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-rbac-defaults-").FullName;

    /// <summary>Each default role's permissions as (workspace, endpoint, actions, negative), sorted by endpoint.</summary>
    private static readonly Dictionary<string, (string Comment, string[] Endpoints)> Expected = new()
    {
        ["read-only"] = ("Read access to all endpoints, across all workspaces", ["*|*|read|false"]),
        ["admin"] = ("Full access to all endpoints, across all workspaces\u2014except RBAC Admin API",
        [
            "*|*|delete,create,update,read|false",
            "*|/rbac/*/*/*/*/*|delete,create,update,read|true",
            "*|/rbac/*/*/*/*|delete,create,update,read|true",
            "*|/rbac/*/*/*|delete,create,update,read|true",
            "*|/rbac/*/*|delete,create,update,read|true",
            "*|/rbac/*|delete,create,update,read|true",
        ]),
        ["super-admin"] = ("Full access to all endpoints, across all workspaces", ["*|*|delete,create,update,read|false"]),
    };

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public Task DisposeAsync()
    {
        Directory.Delete(_prefix, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task StartWithRbacOff_SeedsNothing()
    {
        await using var node = await TestNode.StartInAsync(_prefix);
        JsonAssert.Equal("""{"data":[],"next":null}""", await node.GetAsync("/rbac/roles"));
    }

    [Fact]
    public async Task SqliteBootstrapAndUp_SeedTheDefaultRoles_Once()
    {
        foreach (var subcommand in new[] { "bootstrap", "bootstrap", "up" })
        {
            var run = await NodeProcess.RunAsync(["migrations", subcommand, "--prefix", _prefix]);
            Assert.Equal(0, run.ExitCode);
            Assert.Empty(run.Stderr);
        }

        await using var node = await TestNode.StartInAsync(_prefix);
        var roles = await AssertDefaultRolesAsync(node);
        Assert.Empty((await node.GetAsync("/rbac/users"))["data"]!.AsArray());

        await node.StopAsync();
        await node.StartAgainAsync();
        JsonAssert.Equal(roles.ToJsonString(), await node.GetAsync("/rbac/roles"));
    }

    [Fact]
    public async Task SqliteBootstrap_WithKongPassword_CreatesKongAdmin_Once()
    {
        const string password = "sqlite-bootstrap-secret";
        for (var run = 0; run < 2; run++)
        {
            var bootstrap = await NodeProcess.RunAsync(
                ["migrations", "bootstrap", "--prefix", _prefix, "--log_level", "debug"], new Dictionary<string, string> { ["KONG_PASSWORD"] = password });
            Assert.Equal(0, bootstrap.ExitCode);
            Assert.DoesNotContain(password, string.Join('\n', bootstrap.Stdout.Concat(bootstrap.Stderr)), StringComparison.Ordinal);
        }

        await using var node = await TestNode.StartInAsync(_prefix);
        await AssertKongAdminAsync(node, password);
        Assert.DoesNotContain(password, (await node.GetAsync("/")).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AdminPassword_IsReadFromKongOrGatewayPassword_AndIsNoSetting()
    {
        var kong = SettingsLoader.Load(CommandLine.Parse(["start"]), new Dictionary<string, string> { ["KONG_PASSWORD"] = "from-kong" });
        Assert.Equal("from-kong", kong.AdminPassword);

        var both = SettingsLoader.Load(
            CommandLine.Parse(["start"]), new Dictionary<string, string> { ["KONG_PASSWORD"] = "from-kong", ["GATEWAY_PASSWORD"] = "from-gateway" });
        Assert.Equal("from-gateway", both.AdminPassword);
        Assert.DoesNotContain(both.Raw, setting => setting.Value.Contains("from-", StringComparison.Ordinal));
        Assert.DoesNotContain(both.ToDisplay(), setting => setting.Value.Contains("from-", StringComparison.Ordinal));

        Assert.Null(SettingsLoader.Load(CommandLine.Parse(["start"]), new Dictionary<string, string>()).AdminPassword);
    }

    [Fact]
    public async Task PostgresBootstrap_WithGatewayPassword_CreatesTheRolesAndKongAdmin_UpAndBootstrapAgainAddNothing()
    {
        const string password = "postgres-bootstrap-secret";
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["GATEWAY_DATABASE"] = "postgres",
                ["GATEWAY_PG_HOST"] = database.Host,
                ["GATEWAY_PG_PORT"] = database.Port.ToString(CultureInfo.InvariantCulture),
                ["GATEWAY_PG_USER"] = database.User,
                ["GATEWAY_PG_DATABASE"] = database.Database,
                ["GATEWAY_PASSWORD"] = password,
            };
            if (database.Password is { } pgPassword)
            {
                environment["GATEWAY_PG_PASSWORD"] = pgPassword;
            }

            foreach (var subcommand in new[] { "bootstrap", "bootstrap", "up" })
            {
                var run = await NodeProcess.RunAsync(["migrations", subcommand, "--prefix", _prefix], environment);
                Assert.True(run.ExitCode == 0, string.Join('\n', run.Stderr));
            }

            string[] arguments =
            [
                "--database", "postgres", "--pg_host", database.Host, "--pg_port", database.Port.ToString(CultureInfo.InvariantCulture),
                "--pg_user", database.User, "--pg_database", database.Database, .. database.Password is null ? [] : new[] { "--pg_password", database.Password },
            ];
            await using var node = await TestNode.StartInAsync(_prefix, arguments);
            await AssertKongAdminAsync(node, password);
        }
        finally
        {
            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }

    /// <summary>Exactly the three default roles, with Kong's comments and permissions; returns the role list.</summary>
    private static async Task<JsonNode> AssertDefaultRolesAsync(TestNode node, params string[] others)
    {
        var roles = await node.GetAsync("/rbac/roles");
        var names = roles["data"]!.AsArray().Select(r => r.Text("name")).Order(StringComparer.Ordinal);
        Assert.Equal([.. Expected.Keys.Concat(others).Order(StringComparer.Ordinal)], names);
        foreach (var (name, (comment, endpoints)) in Expected)
        {
            var role = await node.GetAsync($"/rbac/roles/{name}");
            Assert.Equal(comment, role.Text("comment"));
            Assert.False(role["is_default"]!.GetValue<bool>());
            var permissions = (await node.GetAsync($"/rbac/roles/{name}/endpoints"))["data"]!.AsArray()
                .Select(p => $"{p.Text("workspace")}|{p.Text("endpoint")}|{string.Join(',', p!["actions"]!.AsArray().Select(a => a!.GetValue<string>()))}|{p["negative"]}")
                .Order(StringComparer.Ordinal);
            Assert.Equal(endpoints.Order(StringComparer.Ordinal), permissions);
        }

        return roles;
    }

    /// <summary><c>kong_admin</c> with the token hashed, its personal role and super-admin, each once.</summary>
    private static async Task AssertKongAdminAsync(TestNode node, string password)
    {
        await AssertDefaultRolesAsync(node, RbacDefaults.AdminUser);
        var users = (await node.GetAsync("/rbac/users"))["data"]!.AsArray();
        var admin = Assert.Single(users);
        Assert.Equal(RbacDefaults.AdminUser, admin.Text("name"));
        Assert.True(admin!["enabled"]!.GetValue<bool>());
        Assert.StartsWith("$2b$09$", admin.Text("user_token"));
        Assert.True(RbacToken.Verify(password, admin.Text("user_token")));
        Assert.Equal(RbacToken.Ident(password), admin.Text("user_token_ident"));

        var roles = (await node.GetAsync("/rbac/users/kong_admin/roles"))["roles"]!.AsArray();
        Assert.Equal([RbacDefaults.AdminUser, RbacDefaults.SuperAdmin], roles.Select(r => r.Text("name")));
        Assert.True(roles[0]!["is_default"]!.GetValue<bool>());
        Assert.Empty((await node.GetAsync("/rbac/roles/kong_admin/endpoints"))["data"]!.AsArray());
    }
}
