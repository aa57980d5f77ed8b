using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Storage.Postgres;
using Gateway.Tests.Support;
using static Gateway.Tests.Node.Plugins.OAuth2.OAuth2Flows;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// oauth2 on a two-node cluster: a token issued on node A is accepted on node B at once (no config push carries it), on
/// PostgreSQL and DB-less, where Kong refuses to issue tokens at all (Kong/kong#6179). The nodes are plain HTTP behind
/// a trusted TLS terminator (accept_http_if_already_terminated, trusted_ips, X-Forwarded-Proto: https).
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class OAuth2ClusterTests
{
    private const string ClientId = "cluster-client";
    private const string ClientSecret = "cluster-secret";
    private const string ProvisionKey = "cluster-provision-key";

    [Fact]
    public async Task PostgresCluster_ATokenIssuedOnA_IsValidOnB_AndListedOnTheAdminApi()
    {
        await using var backend = await Backend.StartAsync("oauth2");
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        var nodes = new List<ClusterNode>();
        try
        {
            var (code, stdout, stderr) = await NodeProcess.RunAsync(["migrations", "bootstrap", .. Database(database)], new Dictionary<string, string>());
            Assert.True(code == 0, string.Join('\n', stdout.Concat(stderr)));
            var clusterId = $"oauth{Guid.NewGuid():N}";
            foreach (var name in new[] { "A", "B" })
            {
                nodes.Add(await ClusterNode.StartAsync(name, database, "postgres", clusterId, extra: ["--trusted_ips", "127.0.0.1"]));
            }

            var (a, b) = (nodes[0], nodes[1]);
            await ConfigureAsync(a, backend.Port);
            await Eventually.HoldsAsync(async () => (await GetAsync(b.Proxy, "/api", null)).Status == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10), "node B has the route");

            var token = await PasswordTokenAsync(a);

            var (status, echo, _) = await GetAsync(b.Proxy, "/api", token);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("owner-1", echo["headers"]!["x-authenticated-userid"]!.GetValue<string>());
            var (listed, rows) = await b.CallAsync(HttpMethod.Get, "/oauth2_tokens");
            Assert.Equal(200, listed);
            Assert.Contains(rows!["data"]!.AsArray(), t => t!["access_token"]!.GetValue<string>() == token);
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }

            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }

    [Fact]
    public async Task DbLessCluster_ATokenIssuedOnA_IsValidOnB_AndACodeIsSingleUseAcrossNodes()
    {
        await using var backend = await Backend.StartAsync("oauth2");
        var folder = Directory.CreateTempSubdirectory("gateway-oauth2-dbless-").FullName;
        var nodes = new List<ClusterNode>();
        try
        {
            var file = Path.Combine(folder, "kong.yml");
            await File.WriteAllTextAsync(file, $$"""
                _format_version: "3.0"
                services:
                - name: api
                  url: http://127.0.0.1:{{backend.Port}}
                  routes:
                  - name: api
                    paths: [/api]
                    plugins:
                    - name: oauth2
                      config:
                        enable_password_grant: true
                        enable_authorization_code: true
                        accept_http_if_already_terminated: true
                        provision_key: {{ProvisionKey}}
                consumers:
                - username: owner
                  oauth2_credentials:
                  - name: app
                    client_id: {{ClientId}}
                    client_secret: {{ClientSecret}}
                    hash_secret: true
                    redirect_uris: [https://app.example/cb]
                """);
            var clusterId = $"oauthdbless{Guid.NewGuid():N}";
            foreach (var name in new[] { "A", "B" })
            {
                nodes.Add(await ClusterNode.StartAsync(name, PostgresTestDatabase.Server(), "redis", clusterId, extra:
                    ["--database", "off", "--declarative_config", file, "--trusted_ips", "127.0.0.1"]));
            }

            var (a, b) = (nodes[0], nodes[1]);
            var token = await PasswordTokenAsync(a);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(b.Proxy, "/api", token)).Status);

            var authorized = await PostAsync(a.Proxy, "/api/oauth2/authorize", Form(
                ("provision_key", ProvisionKey), ("authenticated_userid", "owner-2"), ("client_id", ClientId), ("response_type", "code")), Https);
            var code = Parameter(authorized.Body["redirect_uri"]!.GetValue<string>(), "code")!;
            var exchange = Form(("grant_type", "authorization_code"), ("client_id", ClientId), ("client_secret", ClientSecret), ("code", code));
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(b.Proxy, "/api/oauth2/token", exchange, Https)).Status);
            Assert.Equal("Invalid code", (await PostAsync(a.Proxy, "/api/oauth2/token", exchange, Https)).Body["error_description"]!.GetValue<string>());
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly (string, string) Https = ("X-Forwarded-Proto", "https");

    private static async Task<string> PasswordTokenAsync(ClusterNode node)
    {
        var issued = await PostAsync(node.Proxy, "/api/oauth2/token", Form(
            ("grant_type", "password"), ("client_id", ClientId), ("client_secret", ClientSecret), ("provision_key", ProvisionKey),
            ("authenticated_userid", "owner-1")), Https);
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Body.ToJsonString());
        return issued.Body["access_token"]!.GetValue<string>();
    }

    private static async Task ConfigureAsync(ClusterNode node, int backendPort)
    {
        async Task<JsonNode> Create(string path, string json)
        {
            var (status, body) = await node.CallAsync(HttpMethod.Post, path, json);
            Assert.True(status == 201, body?.ToJsonString());
            return body!;
        }

        await Create("/services", $$"""{"name":"api","url":"http://127.0.0.1:{{backendPort}}"}""");
        await Create("/services/api/routes", """{"name":"api","paths":["/api"]}""");
        await Create("/routes/api/plugins", $$$"""
            {"name":"oauth2","config":{"enable_password_grant":true,"accept_http_if_already_terminated":true,"provision_key":"{{{ProvisionKey}}}"}}
            """);
        await Create("/consumers", """{"username":"owner"}""");
        await Create("/consumers/owner/oauth2", $$"""
            {"name":"app","client_id":"{{ClientId}}","client_secret":"{{ClientSecret}}","redirect_uris":["https://app.example/cb"]}
            """);
    }

    private static string[] Database(PostgresSettings database) =>
    [
        "--database", "postgres", "--pg_host", database.Host, "--pg_port", database.Port.ToString(CultureInfo.InvariantCulture),
        "--pg_user", database.User, "--pg_database", database.Database,
    ];
}
