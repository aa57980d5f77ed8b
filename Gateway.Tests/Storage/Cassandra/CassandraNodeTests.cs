using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Config;
using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Migrations;
using Gateway.Tests.Support;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>
/// A node with database = cassandra, in the test process: started from its config snapshot when no contact point
/// answers, and (when CASSANDRA_CONTACT_POINTS names a real cluster) serving Admin API writes and the proxy.
/// </summary>
public sealed class CassandraNodeTests
{
    [Fact]
    public async Task Unreachable_WithASnapshot_StartsFromIt_ProxiesItsRoutes_AndRefusesWritesWith503()
    {
        await using var backend = await Backend.StartAsync();
        var prefix = Directory.CreateTempSubdirectory("gateway-cassandra-").FullName;
        try
        {
            // The snapshot comes from an earlier life of the node on SQLite: it is the same file on every store.
            await using (var earlier = await TestNode.StartInAsync(prefix))
            {
                Assert.Equal(201, (await earlier.CallAsync(HttpMethod.Post, "/services", $$"""{"name":"kept","url":"http://127.0.0.1:{{backend.Port}}/"}""")).Status);
                Assert.Equal(201, (await earlier.CallAsync(HttpMethod.Post, "/services/kept/routes", """{"name":"before","paths":["/before"]}""")).Status);
                await Eventually.HoldsAsync(() => Task.FromResult(SnapshotFile.TryRead(prefix)?.Version == 2), TimeSpan.FromSeconds(5), "the snapshot file has the route");
            }

            var deadPort = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
            await using var node = await TestNode.StartInAsync(prefix, "--database", "cassandra", "--cassandra_port", deadPort);

            using (var proxied = await node.Proxy.GetAsync("/before"))
            {
                Assert.Equal(200, (int)proxied.StatusCode);
            }

            var (readStatus, route) = await node.CallAsync(HttpMethod.Get, "/routes/before");
            Assert.Equal(200, readStatus);
            Assert.Equal("/before", route!["paths"]![0]!.GetValue<string>());
            var (writeStatus, written) = await node.CallAsync(HttpMethod.Post, "/routes", """{"name":"during","paths":["/during"]}""");
            Assert.Equal(503, writeStatus);
            Assert.Equal(AdminApi.UnavailableMessage, written!["message"]!.GetValue<string>());
            var status = JsonNode.Parse(await node.Status.GetStringAsync("/status"))!;
            Assert.False(status["database"]!["reachable"]!.GetValue<bool>());
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [CassandraFact]
    public async Task Node_OnCassandra_ServesAdminWritesAndTheProxy()
    {
        var settings = CassandraStoreContractTests.Settings();
        await using (var cluster = new CqlCluster(settings.ClientOptions()))
        {
            Assert.Equal(["000_base", "001_audit"], await CassandraMigrations.UpAsync(cluster, settings));
        }

        try
        {
            await using var backend = await Backend.StartAsync();
            // CASSANDRA_CONTACT_POINTS may carry ports ("host:port"); cassandra_contact_points may not.
            var points = settings.ContactPoints.Select(p => p.Split(':')).ToList();
            List<string> arguments =
            [
                "--database", "cassandra",
                "--cassandra_contact_points", string.Join(',', points.Select(p => p[0])),
                "--cassandra_port", points[0].Length > 1 ? points[0][1] : "9042",
                "--cassandra_keyspace", settings.Keyspace,
                "--cassandra_consistency", "ONE",
            ];
            if (settings.Password is { } password)
            {
                arguments.AddRange(["--cassandra_username", settings.Username ?? "cassandra", "--cassandra_password", password]);
            }

            await using var node = await TestNode.StartAsync([.. arguments]);
            var service = await node.CreateAsync("/services", $$"""{"name":"on-cassandra","url":"http://127.0.0.1:{{backend.Port}}/"}""");
            await node.CreateAsync("/services/on-cassandra/routes", """{"name":"cass","paths":["/cass"]}""");
            var (duplicate, error) = await node.CallAsync(HttpMethod.Post, "/services", """{"name":"on-cassandra","host":"example.com"}""");
            Assert.Equal(409, duplicate);
            Assert.Equal(5, error!["code"]!.GetValue<int>());

            await Eventually.HoldsAsync(
                async () =>
                {
                    using var response = await node.Proxy.GetAsync("/cass/hello");
                    return (int)response.StatusCode == 200;
                },
                TimeSpan.FromSeconds(5),
                "the route proxies");
            var (patched, body) = await node.CallAsync(HttpMethod.Patch, $"/services/{service["id"]}", """{"retries":3}""");
            Assert.Equal(200, patched);
            Assert.Equal(3, body!["retries"]!.GetValue<int>());
            Assert.Equal(204, (await node.CallAsync(HttpMethod.Delete, "/routes/cass")).Status);
            Assert.Equal(404, (await node.CallAsync(HttpMethod.Get, "/routes/cass")).Status);
            var status = JsonNode.Parse(await node.Status.GetStringAsync("/status"))!;
            Assert.True(status["database"]!["reachable"]!.GetValue<bool>());
        }
        finally
        {
            await CassandraStoreContractTests.DropKeyspaceAsync(settings);
        }
    }
}
