using System.Net.Http.Headers;
using System.Text;
using Gateway.Node.Admin;
using Gateway.Node.Config;
using Gateway.Storage.Migrations;
using Gateway.Tests.Support;
using Npgsql;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// A node with <c>database = postgres</c> and <c>cluster_membership = postgres</c> (one PostgreSQL for both, the usual
/// set-up) restarted while it cannot reach the database: it starts on its saved snapshot and consumer cache, and joins
/// the cluster by itself once the database is back. The database is cut with a relay of the node's own, so the
/// session's PostgreSQL stays up for every other test.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class DatabaseDownRestartTests
{
    [Fact]
    public async Task RestartWithTheDatabaseDown_ServesTheSnapshotAndCachedConsumers_AndJoinsTheClusterWhenItIsBack()
    {
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        try
        {
            await using (var dataSource = database.CreateDataSource())
            {
                await PostgresMigrations.UpAsync(dataSource);
            }

            await using var relay = TcpRelay.Start(database.Host, database.Port);
            await using var backend = await Backend.StartAsync();
            var clusterId = $"restart{Guid.NewGuid():N}";
            using var node = await ClusterNode.StartAsync("A", database with { Port = relay.Port }, "postgres", clusterId);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/services", $$"""{"name":"kept","url":"http://127.0.0.1:{{backend.Port}}/"}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/services/kept/routes", """{"name":"open","paths":["/open"]}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/services/kept/routes", """{"name":"keyed","paths":["/keyed"]}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/routes/keyed/plugins", """{"name":"key-auth"}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/services/kept/routes", """{"name":"basic","paths":["/basic"]}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/routes/basic/plugins", """{"name":"basic-auth"}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/consumers", """{"username":"alice"}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/consumers/alice/key-auth", """{"key":"alice-key"}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/consumers/alice/basic-auth", """{"username":"alice","password":"alice-secret"}""")).Status);
            Assert.Equal(200, await StatusAsync(node, "/keyed", ("apikey", "alice-key")));
            Assert.Equal(200, await StatusAsync(node, "/basic", ("Authorization", Basic("alice", "alice-secret"))));
            var version = (await node.StatusAsync())["config_snapshot_version"]!.GetValue<long>();

            // Both files are saved in the background: the snapshot at the node's version, the consumer cache with both credentials.
            var cache = Path.Combine(node.Prefix, ConsumerCacheFile.FileName);
            await Eventually.HoldsAsync(
                () => Task.FromResult(SnapshotFile.TryRead(node.Prefix)?.Version == version
                    && ConsumerCacheFile.TryRead(node.Prefix) is { } saved && saved.Version == version
                    && saved.Rows.Any(r => r.Value == "alice-key") && saved.Rows.Any(r => r.Entity == "basicauth_credentials")),
                TimeSpan.FromSeconds(5),
                "the snapshot and the consumer cache are saved in prefix/");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cache));
            }

            Assert.DoesNotContain("alice-secret", await File.ReadAllTextAsync(cache), StringComparison.Ordinal);
            var generation = await ActiveGenerationsAsync(database, clusterId);

            node.Kill();
            await relay.CutAsync();
            await node.StartAsync();

            Assert.False((await node.StatusAsync())["database"]!["reachable"]!.GetValue<bool>());
            Assert.Equal(200, await StatusAsync(node, "/open"));
            Assert.Equal(200, await StatusAsync(node, "/keyed", ("apikey", "alice-key")));
            Assert.Equal(401, await StatusAsync(node, "/keyed"));
            Assert.Equal(200, await StatusAsync(node, "/basic", ("Authorization", Basic("alice", "alice-secret"))));
            Assert.Equal(401, await StatusAsync(node, "/basic", ("Authorization", Basic("alice", "wrong"))));
            var (listStatus, routes) = await node.CallAsync(HttpMethod.Get, "/routes");
            Assert.Equal(200, listStatus);
            Assert.Equal(["basic", "keyed", "open"], routes!["data"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            var (writeStatus, writeBody) = await node.CallAsync(HttpMethod.Post, "/services/kept/routes", """{"name":"during","paths":["/during"]}""");
            Assert.Equal(503, writeStatus);
            Assert.Equal(AdminApi.UnavailableMessage, writeBody!["message"]!.GetValue<string>());

            // A start without its database logs why in one line each: no stack trace anywhere.
            Assert.DoesNotContain(node.Output.Concat(node.Log.Split('\n')), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
            Assert.Contains(node.Output, line => line.Contains("the membership table does not answer", StringComparison.Ordinal));

            relay.Restore();
            await Eventually.HoldsAsync(
                async () => (await ActiveGenerationsAsync(database, clusterId)).Except(generation).Any(),
                TimeSpan.FromSeconds(60),
                "the restarted silo is active in the PostgreSQL membership table");
            await Eventually.HoldsAsync(async () => await node.ActiveMembersAsync() >= 1, TimeSpan.FromSeconds(10), "the node sees itself active");
            await Eventually.HoldsAsync(
                async () => (await node.CallAsync(HttpMethod.Post, "/services/kept/routes", """{"name":"after","paths":["/after"]}""")).Status == 201,
                TimeSpan.FromSeconds(10),
                "the node accepts writes again");
            Assert.Equal(200, await StatusAsync(node, "/after"));
            Assert.True((await node.StatusAsync())["database"]!["reachable"]!.GetValue<bool>());

            // A consumer the node never saw before is found through the cluster again.
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/consumers", """{"username":"bob"}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/consumers/bob/key-auth", """{"key":"bob-key"}""")).Status);
            Assert.Equal(200, await StatusAsync(node, "/keyed", ("apikey", "bob-key")));
        }
        finally
        {
            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }

    private static async Task<int> StatusAsync(ClusterNode node, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await node.Proxy.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static string Basic(string user, string password) =>
        new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))).ToString();

    /// <summary>The generations of the cluster's silos with status Active (3) in Orleans' membership table.</summary>
    private static async Task<List<int>> ActiveGenerationsAsync(Gateway.Storage.Postgres.PostgresSettings database, string clusterId)
    {
        // The node's own settings give up connecting after 3 s; the test's look-up may wait on a busy machine (seen in CI).
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Timeout = 30 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT generation FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = 3", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        var generations = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            generations.Add(reader.GetInt32(0));
        }

        return generations;
    }
}
