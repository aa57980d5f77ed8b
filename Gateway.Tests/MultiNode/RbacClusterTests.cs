using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Storage.Postgres;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// RBAC on a cluster: a user disabled or deleted through one node is refused by another node within the propagation
/// time, although that node had the user's verification cached.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class RbacClusterTests
{
    private const string AdminToken = "cluster-admin-token";

    [Fact]
    public async Task AUserDisabledOrDeletedOnOneNode_IsRefusedOnTheOther_DespiteItsCachedVerification()
    {
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        var nodes = new List<ClusterNode>();
        try
        {
            var (code, stdout, stderr) = await NodeProcess.RunAsync(
                ["migrations", "bootstrap", .. Database(database)], new Dictionary<string, string> { ["GATEWAY_PASSWORD"] = AdminToken });
            Assert.True(code == 0, string.Join('\n', stdout.Concat(stderr)));
            var clusterId = $"rbac{Guid.NewGuid():N}";
            foreach (var name in new[] { "A", "B" })
            {
                nodes.Add(await ClusterNode.StartAsync(name, database, "postgres", clusterId, extra: ["--enforce_rbac", "on"]));
            }

            var (a, b) = (nodes[0], nodes[1]);
            var disabled = await UserAsync(a, "to-disable");
            var deleted = await UserAsync(a, "to-delete");
            foreach (var token in new[] { disabled, deleted })
            {
                await Eventually.HoldsAsync(async () => await StatusAsync(b, token) == 200, TimeSpan.FromSeconds(10), "node B admits the new user");
            }

            Assert.Equal(200, await SendAsync(a, AdminToken, HttpMethod.Patch, "/rbac/users/to-disable", new JsonObject { ["enabled"] = false }));
            Assert.Equal(204, await SendAsync(a, AdminToken, HttpMethod.Delete, "/rbac/users/to-delete", null));

            var refusedDisabled = await Eventually.HoldsAsync(async () => await StatusAsync(b, disabled) == 401, TimeSpan.FromSeconds(5), "node B refuses the disabled user");
            var refusedDeleted = await Eventually.HoldsAsync(async () => await StatusAsync(b, deleted) == 401, TimeSpan.FromSeconds(5), "node B refuses the deleted user");
            Assert.True(refusedDisabled < TimeSpan.FromSeconds(5) && refusedDeleted < TimeSpan.FromSeconds(5));
            Assert.Equal(200, await StatusAsync(b, AdminToken));
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

    private static string[] Database(PostgresSettings database) =>
    [
        "--database", "postgres", "--pg_host", database.Host, "--pg_port", database.Port.ToString(CultureInfo.InvariantCulture),
        "--pg_user", database.User, "--pg_database", database.Database,
    ];

    /// <summary>Creates a super-admin user through <paramref name="node"/>; returns its token.</summary>
    private static async Task<string> UserAsync(ClusterNode node, string name)
    {
        var token = $"token-{Guid.NewGuid():N}";
        Assert.Equal(201, await SendAsync(node, AdminToken, HttpMethod.Post, "/rbac/users", new JsonObject { ["name"] = name, ["user_token"] = token }));
        Assert.Equal(201, await SendAsync(node, AdminToken, HttpMethod.Post, $"/rbac/users/{name}/roles", new JsonObject { ["roles"] = "super-admin" }));
        return token;
    }

    private static Task<int> StatusAsync(ClusterNode node, string token) => SendAsync(node, token, HttpMethod.Get, "/services", null);

    private static async Task<int> SendAsync(ClusterNode node, string token, HttpMethod method, string path, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Kong-Admin-Token", token);
        using var response = await node.Admin.SendAsync(request);
        return (int)response.StatusCode;
    }
}
