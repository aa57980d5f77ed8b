using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Config;
using Gateway.Node.Hosting;
using Gateway.Node.Settings;
using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Migrations;
using Gateway.Tests.Cluster;
using Gateway.Tests.Proxy;
using Gateway.Tests.Support;

namespace Gateway.Tests.Cassandra;

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
            await using (var earlier = await PrefixNode.StartAsync(prefix))
            {
                Assert.Equal(201, (await earlier.CallAsync(HttpMethod.Post, "/services", $$"""{"name":"kept","url":"http://127.0.0.1:{{backend.Port}}/"}""")).Status);
                Assert.Equal(201, (await earlier.CallAsync(HttpMethod.Post, "/services/kept/routes", """{"name":"before","paths":["/before"]}""")).Status);
                await Eventually.HoldsAsync(() => Task.FromResult(SnapshotFile.TryRead(prefix)?.Version == 2), TimeSpan.FromSeconds(5), "the snapshot file has the route");
            }

            var deadPort = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
            await using var node = await PrefixNode.StartAsync(prefix, "--database", "cassandra", "--cassandra_port", deadPort);

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
            Assert.Equal(["000_base"], await CassandraMigrations.UpAsync(cluster, settings));
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

    /// <summary>A node on loopback ports in a given prefix (which the caller owns), unlike <see cref="TestNode"/>.</summary>
    private sealed class PrefixNode : IAsyncDisposable
    {
        private readonly GatewayNode _node;

        private PrefixNode(GatewayNode node, int adminPort, int proxyPort, int statusPort)
        {
            _node = node;
            Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
            Proxy = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}") };
            Status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}") };
        }

        public HttpClient Admin { get; }

        public HttpClient Proxy { get; }

        public HttpClient Status { get; }

        public static async Task<PrefixNode> StartAsync(string prefix, params string[] extra)
        {
            int admin = FreePorts.Next(), proxy = FreePorts.Next(), status = FreePorts.Next();
            var args = TestNode.Arguments(prefix, admin, proxy, status, FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
            args.AddRange(extra);
            var node = await GatewayNode.StartAsync(SettingsLoader.Load(CommandLine.Parse([.. args]), new Dictionary<string, string>()));
            return new PrefixNode(node, admin, proxy, status);
        }

        public async Task<(int Status, JsonNode? Body)> CallAsync(HttpMethod method, string path, string? json = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            }

            using var response = await Admin.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }

        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            Proxy.Dispose();
            Status.Dispose();
            await _node.DisposeAsync();
        }
    }
}
