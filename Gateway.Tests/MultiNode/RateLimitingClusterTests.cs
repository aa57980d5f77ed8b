using System.Net;
using System.Text;
using Gateway.Storage.Migrations;
using Gateway.Storage.Postgres;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// The cluster policy across three node processes: traffic spread over all of them is admitted exactly
/// up to the limit (the counter grains lease at most the limit in total), and the local policy on the
/// same cluster admits per node.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class RateLimitingClusterTests(RateLimitingClusterTests.Fixture fixture) : IClassFixture<RateLimitingClusterTests.Fixture>
{
    [Theory]
    [InlineData(60, 4)]
    [InlineData(500, 8)]
    public async Task TrafficOverThreeNodes_IsAdmittedExactlyUpToTheLimit(int limit, int concurrencyPerNode)
    {
        var path = $"/cluster-{limit}";
        await fixture.RouteWithPluginAsync(path, $$"""{"hour":{{limit}},"policy":"cluster","limit_by":"header","header_name":"X-Tenant"}""");

        var admitted = await fixture.SpreadAsync(path, 3 * limit, concurrencyPerNode);
        // Which node gets how much depends on who leases first; only the total is the cluster's promise.
        Assert.True(admitted.Sum() == limit, $"admitted {admitted.Sum()} of limit {limit} (per node: {string.Join(",", admitted)})");
    }

    [Fact]
    public async Task LocalPolicy_CountsPerNode()
    {
        await fixture.RouteWithPluginAsync("/cluster-local", """{"hour":10,"policy":"local","limit_by":"header","header_name":"X-Tenant"}""");
        var admitted = await fixture.SpreadAsync("/cluster-local", 60, 2);
        Assert.Equal([10, 10, 10], admitted);
    }

    /// <summary>Three nodes on a fresh database, and one upstream.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly List<ClusterNode> _nodes = [];
        private Backend _backend = null!;
        private PostgresSettings _database = null!;

        /// <summary>Creates a route on node A with a rate-limiting plugin (limit_by X-Tenant) and waits until every node runs it.</summary>
        public async Task RouteWithPluginAsync(string path, string config)
        {
            var a = _nodes[0];
            var service = await PostAsync(a, "/services", $$"""{"host":"127.0.0.1","port":{{_backend.Port}}}""");
            var route = await PostAsync(a, $"/services/{service}/routes", $$"""{"paths":["{{path}}"]}""");
            await PostAsync(a, $"/routes/{route}/plugins", $$"""{"name":"rate-limiting","config":{{config}}}""");
            foreach (var node in _nodes)
            {
                // Probes carry their own X-Tenant, so they count apart from the load (limit_by header).
                await Eventually.HoldsAsync(
                    async () =>
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, path);
                        request.Headers.Add("X-Tenant", $"probe-{node.Name}");
                        using var response = await node.Proxy.SendAsync(request);
                        return response.Headers.Contains("X-RateLimit-Limit-Hour");
                    },
                    TimeSpan.FromSeconds(15),
                    $"{node.Name} runs the plugin on {path}");
            }
        }

        /// <summary>
        /// Sends <paramref name="total"/> requests, an equal share to each node (so a slow node still gets its
        /// share), <paramref name="concurrencyPerNode"/> at a time on each; returns how many each admitted.
        /// </summary>
        public async Task<int[]> SpreadAsync(string path, int total, int concurrencyPerNode)
        {
            var admitted = new int[_nodes.Count];
            var sent = new int[_nodes.Count];
            var share = total / _nodes.Count;
            var workers = Enumerable.Range(0, _nodes.Count * concurrencyPerNode).Select(async worker =>
            {
                var index = worker % _nodes.Count;
                while (Interlocked.Increment(ref sent[index]) <= share)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, path);
                    request.Headers.Add("X-Tenant", "load");
                    using var response = await _nodes[index].Proxy.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref admitted[index]);
                    }
                    else
                    {
                        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                    }
                }
            });
            await Task.WhenAll(workers);
            return admitted;
        }

        public async Task InitializeAsync()
        {
            _backend = await Backend.StartAsync();
            _database = await PostgresTestDatabase.CreateDatabaseAsync();
            await using (var dataSource = _database.CreateDataSource())
            {
                await PostgresMigrations.UpAsync(dataSource);
            }

            var clusterId = $"rl{Guid.NewGuid():N}";
            foreach (var name in new[] { "A", "B", "C" })
            {
                _nodes.Add(await ClusterNode.StartAsync(name, _database, "postgres", clusterId, pollSeconds: 5));
            }

            foreach (var node in _nodes)
            {
                await Eventually.HoldsAsync(async () => await node.ActiveMembersAsync() == 3, TimeSpan.FromSeconds(30), $"{node.Name} sees 3 active silos");
            }
        }

        public async Task DisposeAsync()
        {
            foreach (var node in _nodes)
            {
                node.Dispose();
            }

            await _backend.DisposeAsync();
            await PostgresTestDatabase.DropDatabaseAsync(_database.Database);
        }

        private static async Task<string> PostAsync(ClusterNode node, string path, string json)
        {
            using var response = await node.Admin.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)response.StatusCode} {text}");
            return System.Text.Json.Nodes.JsonNode.Parse(text)!["id"]!.GetValue<string>();
        }
    }
}
