using System.Net;
using System.Text;
using Gateway.Storage.Migrations;
using Gateway.Storage.Postgres;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// Three nodes (A, B, C) on a fresh PostgreSQL database with PostgreSQL membership and Redis at TEST_REDIS_*,
/// one upstream, and the ways the rate-limiting tests send load: spread evenly, round-robin, or to one node.
/// </summary>
public sealed class RateLimitCluster : IAsyncLifetime
{
    private readonly List<ClusterNode> _nodes = [];
    private Backend _backend = null!;
    private PostgresSettings _database = null!;

    /// <summary>The nodes, A first.</summary>
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>Creates a route on a fresh path with a rate-limiting plugin of <paramref name="config"/> and waits until every node runs it; returns the path.</summary>
    public async Task<string> RouteWithPluginAsync(string config)
    {
        var a = _nodes[0];
        var path = $"/rl-{Guid.NewGuid():N}";
        var service = await PostAsync(a, "/services", $$"""{"host":"127.0.0.1","port":{{_backend.Port}}}""");
        var route = await PostAsync(a, $"/services/{service}/routes", $$"""{"paths":["{{path}}"]}""");
        await PostAsync(a, $"/routes/{route}/plugins", $$"""{"name":"rate-limiting","config":{{config}}}""");

        // A route written after the plugin: a node that routes it runs the plugin too (a snapshot holds every write up
        // to its version), and waiting on it counts nothing, so the load is the first use of the counters.
        var marker = $"/ready-{Guid.NewGuid():N}";
        await PostAsync(a, $"/services/{service}/routes", $$"""{"paths":["{{marker}}"]}""");
        foreach (var node in _nodes)
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    using var response = await node.Proxy.GetAsync(marker);
                    return response.StatusCode == HttpStatusCode.OK;
                },
                TimeSpan.FromSeconds(15),
                $"{node.Name} routes {marker}");
        }

        return path;
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
                if (await AdmittedAsync(_nodes[index], path))
                {
                    Interlocked.Increment(ref admitted[index]);
                }
            }
        });
        await Task.WhenAll(workers);
        return admitted;
    }

    /// <summary>
    /// Sends <paramref name="total"/> requests from <paramref name="clients"/> concurrent clients, request n to
    /// <paramref name="nodes"/>[n mod their count]; returns how many were admitted (every other answer is a 429).
    /// </summary>
    public async Task<int> RoundRobinAsync(string path, int total, int clients, params ClusterNode[] nodes)
    {
        var admitted = 0;
        var next = -1;
        var workers = Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var n = Interlocked.Increment(ref next); n < total; n = Interlocked.Increment(ref next))
            {
                if (await AdmittedAsync(nodes[n % nodes.Length], path))
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        });
        await Task.WhenAll(workers);
        return admitted;
    }

    /// <summary>Sends <paramref name="count"/> requests to <paramref name="node"/> one after another; returns how many were admitted.</summary>
    public async Task<int> SequentialAsync(ClusterNode node, string path, int count)
    {
        var admitted = 0;
        for (var i = 0; i < count; i++)
        {
            admitted += await AdmittedAsync(node, path) ? 1 : 0;
        }

        return admitted;
    }

    /// <inheritdoc/>
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

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        await _backend.DisposeAsync();
        await PostgresTestDatabase.DropDatabaseAsync(_database.Database);
    }

    /// <summary>One request with the load's X-Tenant from 127.0.0.1: true on 200, false on 429, a failed test otherwise.</summary>
    private static async Task<bool> AdmittedAsync(ClusterNode node, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Tenant", "load");
        using var response = await node.Proxy.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return true;
        }

        Assert.True(
            response.StatusCode == HttpStatusCode.TooManyRequests,
            $"{node.Name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return false;
    }

    private static async Task<string> PostAsync(ClusterNode node, string path, string json)
    {
        using var response = await node.Admin.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)response.StatusCode} {text}");
        return System.Text.Json.Nodes.JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }
}
