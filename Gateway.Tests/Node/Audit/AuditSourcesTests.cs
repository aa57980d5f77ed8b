using System.Text.Json.Nodes;
using Gateway.Node.Declarative;
using Gateway.Node.Settings;
using Gateway.Tests.Node.Admin.Rbac;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Audit;

/// <summary>
/// Who and what the records name beyond a plain Admin API call: the RBAC user who acted (and a refused token), a
/// <c>config db_import</c>, a DB-less <c>POST /config</c> and a <c>config sync</c> through the Admin API.
/// </summary>
public sealed class AuditSourcesTests : IDisposable
{
    private const string KongYml = """
        _format_version: "3.0"
        services:
          - name: imported
            url: http://127.0.0.1:9
            routes:
              - name: imported-route
                paths: [/imported]
        """;

    private readonly string _prefix = Directory.CreateTempSubdirectory("audit-sources-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_prefix, recursive: true);

    [Fact]
    public async Task TheRbacUser_IsRecordedOnRequestsAndObjects_AndARefusedTokenWithNone()
    {
        var token = RbacCalls.NewToken();
        await using (var open = await TestNode.StartInAsync(_prefix, "--enforce_rbac", "on"))
        {
            await open.StopAsync();
        }

        string userId;
        await using (var seed = await TestNode.StartInAsync(_prefix))
        {
            var user = await seed.UserAsync("auditor", token);
            userId = user.Text("id");
            Assert.Equal(201, (await seed.FormAsync(HttpMethod.Post, $"/rbac/users/{user.Text("name")}/roles", ("roles", "super-admin"))).Status);
            await seed.StopAsync();
        }

        await using var node = await TestNode.StartInAsync(_prefix, "--enforce_rbac", "on", "--audit_log", "on", "--rbac_auth_failures_per_minute", "0");
        var (created, _) = await RbacGuardNode.SendAsync(node, token, HttpMethod.Post, "/services", """{"name":"audited","url":"http://127.0.0.1:9"}""");
        var (refused, _) = await RbacGuardNode.SendAsync(node, "not-a-token", HttpMethod.Get, "/services");

        Assert.Equal((201, 401), (created, refused));
        var records = await EventuallyRecordsAsync(node, token, "/audit/requests?method=POST", 1);
        var post = records.Single()!;
        Assert.Equal(userId, (string?)post["rbac_user_id"]);
        Assert.StartsWith("auditor", (string?)post["rbac_user_name"], StringComparison.Ordinal);
        var denied = (await EventuallyRecordsAsync(node, token, "/audit/requests?status=401", 1)).Single()!;
        Assert.Null(denied["rbac_user_id"]);
        Assert.Equal("/services", (string?)denied["path"]);
        var (_, objects) = await RbacGuardNode.SendAsync(node, token, HttpMethod.Get, $"/audit/objects?request_id={post["request_id"]}");
        Assert.Equal(userId, (string?)objects!["data"]![0]!["rbac_user_id"]);
    }

    [Fact]
    public async Task ConfigDbImport_RecordsEveryEntity_AsOneRequest()
    {
        var file = Path.Combine(_prefix, "kong.yml");
        await File.WriteAllTextAsync(file, KongYml);
        var commandLine = CommandLine.Parse(["config", "db_import", file, "--prefix", _prefix, "--audit_log", "on"]);

        var code = await ConfigCommand.RunAsync(SettingsLoader.Load(commandLine, new Dictionary<string, string>()), commandLine, TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, code);
        await using var node = await TestNode.StartInAsync(_prefix, "--audit_log", "on");
        var objects = (await node.GetAsync("/audit/objects"))["data"]!.AsArray();
        Assert.Equal(["routes", "services"], objects.Select(o => (string)o!["dao_name"]!).Order());
        Assert.All(objects, o => Assert.Equal("create", (string?)o!["operation"]));
        Assert.Single(objects.Select(o => (string?)o!["request_id"]).Distinct());
        Assert.False(string.IsNullOrEmpty((string?)objects[0]!["request_id"]));
    }

    [Fact]
    public async Task ADbLessConfigLoad_IsOneObjectRecord_WithTheConfigHashesBeforeAndAfter()
    {
        await using var node = await TestNode.StartInAsync(_prefix, "--database", "off", "--audit_log", "on");
        var body = new JsonObject { ["config"] = KongYml }.ToJsonString();

        using var first = await node.SendJsonAsync(HttpMethod.Post, "/config", body);
        using var second = await node.SendJsonAsync(HttpMethod.Post, "/config", body.Replace("/imported]", "/imported, /again]", StringComparison.Ordinal));

        Assert.Equal((201, 201), ((int)first.StatusCode, (int)second.StatusCode));
        var records = (await node.GetAsync("/audit/objects"))["data"]!.AsArray();
        Assert.Equal(2, records.Count);
        var (load, reload) = (records[1]!, records[0]!);
        Assert.Equal(("config", "update"), ((string?)load["dao_name"], (string?)load["operation"]));
        Assert.Equal(first.Headers.GetValues("X-Kong-Admin-Request-ID").Single(), (string?)load["request_id"]);
        string Hash(JsonNode record, string field) => (string)JsonNode.Parse((string)record[field]!)!["config_hash"]!;
        Assert.Matches("^[0-9a-f]{32}$", Hash(load, "entity"));
        Assert.NotEqual(Hash(load, "before"), Hash(load, "entity"));
        Assert.Equal(Hash(load, "entity"), Hash(reload, "before"));
        Assert.NotEqual(Hash(reload, "before"), Hash(reload, "entity"));
        Assert.True(File.Exists(Path.Combine(_prefix, "audit.db")));
    }

    [Fact]
    public async Task ConfigSync_IsRecordedAsTheAdminApiCallsItMakes()
    {
        await using var node = await TestNode.StartInAsync(_prefix, "--audit_log", "on");
        var file = Path.Combine(_prefix, "kong.yml");
        await File.WriteAllTextAsync(file, KongYml);
        var commandLine = CommandLine.Parse(["config", "sync", file, "--admin-url", node.Admin.BaseAddress!.ToString().TrimEnd('/'), "--prefix", _prefix]);

        var code = await ConfigCommand.RunAsync(SettingsLoader.Load(commandLine, new Dictionary<string, string>()), commandLine, TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, code);
        var objects = (await node.GetAsync("/audit/objects"))["data"]!.AsArray();
        Assert.Equal(["routes", "services"], objects.Select(o => (string)o!["dao_name"]!).Order());
        await Eventually.HoldsAsync(
            async () => (await node.GetAsync("/audit/requests?method=PUT"))["data"]!.AsArray().Count + (await node.GetAsync("/audit/requests?method=POST"))["data"]!.AsArray().Count >= 2,
            TimeSpan.FromSeconds(10), "the sync's writes as request records");
    }

    private static async Task<JsonArray> EventuallyRecordsAsync(TestNode node, string token, string path, int count)
    {
        JsonArray records = [];
        await Eventually.HoldsAsync(
            async () =>
            {
                var (_, body) = await RbacGuardNode.SendAsync(node, token, HttpMethod.Get, path);
                records = body!["data"]!.AsArray();
                return records.Count >= count;
            },
            TimeSpan.FromSeconds(10),
            path);
        return records;
    }
}
