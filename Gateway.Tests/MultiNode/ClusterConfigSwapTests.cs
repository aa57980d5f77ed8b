using Gateway.Storage.Migrations;
using Gateway.Tests.Node.Proxy;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// Two node processes on one PostgreSQL database: single Admin API writes on A add an upstream, its target, a service
/// on it and a route, 30 times in a row, while both nodes' proxies are probed; from a node's first answer of the new
/// route that is not a 404, no answer is a 5xx, whether the node applied the four writes one by one or at once.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class ClusterConfigSwapTests
{
    private const int Rounds = 30;

    [Fact]
    public async Task AdminWritesOnA_ThirtyTimes_EveryNewRouteAnswersOnBothNodesWithoutA5xx()
    {
        await using var backend = await Backend.StartAsync();
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        try
        {
            await using (var dataSource = database.CreateDataSource())
            {
                await PostgresMigrations.UpAsync(dataSource);
            }

            var clusterId = $"swap{Guid.NewGuid():N}";
            using var a = await ClusterNode.StartAsync("A", database, "postgres", clusterId);
            using var b = await ClusterNode.StartAsync("B", database, "postgres", clusterId);
            foreach (var node in new[] { a, b })
            {
                await Eventually.HoldsAsync(async () => await node.ActiveMembersAsync() == 2, TimeSpan.FromSeconds(30), $"{node.Name} sees 2 active silos");
            }

            var failures = new List<string>();
            for (var round = 0; round < Rounds; round++)
            {
                var upstream = ConfigSwapUnderTrafficTests.UpstreamName(round);
                failures.AddRange(await NewRouteProber.ProbeAsync([a.Proxy, b.Proxy], ConfigSwapUnderTrafficTests.Path(round), async () =>
                {
                    await CreateAsync(a, "/upstreams", $$"""{"name":"{{upstream}}"}""");
                    await CreateAsync(a, $"/upstreams/{upstream}/targets", $$"""{"target":"127.0.0.1:{{backend.Port}}"}""");
                    await CreateAsync(a, "/services", $$"""{"name":"swap-{{round}}","host":"{{upstream}}"}""");
                    await CreateAsync(a, $"/services/swap-{round}/routes", $$"""{"name":"swap-{{round}}","paths":["{{ConfigSwapUnderTrafficTests.Path(round)}}"]}""");
                }));
            }

            Assert.True(failures.Count == 0, $"{failures.Count} failed answers: {string.Join("\n", failures)}");
        }
        finally
        {
            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }

    private static async Task CreateAsync(ClusterNode node, string path, string json)
    {
        var (status, body) = await node.CallAsync(HttpMethod.Post, path, json);
        Assert.True(status == 201, $"POST {path} {json} on {node.Name} answered {status}: {body?.ToJsonString()}");
    }
}
