using System.Net;
using Gateway.Storage.Migrations;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// Three nodes in their own network namespaces on one PostgreSQL (store and membership): one is cut off from the
/// database and its peers while its clients still reach it, long enough for the others to declare its silo dead.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class PartitionTests
{
    private static readonly TimeSpan MembershipVerdict = TimeSpan.FromSeconds(120);

    [NetworkNamespacesFact]
    public async Task NodeCutOffFromDatabaseAndPeers_KeepsProxying_IsDroppedFromMembership_AndRejoinsWithTheConfigWrittenMeanwhile()
    {
        using var network = NamespaceNetwork.Create(3);
        var server = PostgresTestDatabase.Server();
        await using var relay = TcpRelay.Start(server.Host, server.Port, network.BridgeAddress);
        await using var backend = await Backend.StartAsync(new BackendOptions { ListenAddress = IPAddress.Parse(network.BackendAddress) });
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        try
        {
            await using (var dataSource = database.CreateDataSource())
            {
                await PostgresMigrations.UpAsync(dataSource);
            }

            // The nodes reach PostgreSQL over their bridge port, through the relay: a cut of the port cuts the database too.
            var throughRelay = database with { Host = network.BridgeAddress, Port = relay.Port };
            var clusterId = $"cut{Guid.NewGuid():N}";
            using var a = await ClusterNode.StartInAsync(network.Hosts[0], "A", throughRelay, "postgres", clusterId, pollSeconds: 5);
            using var b = await ClusterNode.StartInAsync(network.Hosts[1], "B", throughRelay, "postgres", clusterId, pollSeconds: 5);
            using var c = await ClusterNode.StartInAsync(network.Hosts[2], "C", throughRelay, "postgres", clusterId, pollSeconds: 5);
            ClusterNode[] nodes = [a, b, c];
            foreach (var node in nodes)
            {
                await Eventually.HoldsAsync(async () => await node.ActiveMembersAsync() == 3, TimeSpan.FromSeconds(60), $"{node.Name} sees 3 active silos");
            }

            Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services", $$"""{"name":"svc","url":"http://{{backend.Address}}/"}""")).Status);
            Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services/svc/routes", """{"name":"steady","paths":["/steady"]}""")).Status);
            foreach (var node in nodes)
            {
                await Eventually.HoldsAsync(async () => (await node.Proxy.GetAsync("/steady")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), $"{node.Name} routes /steady");
            }

            await using var traffic = ProxyTraffic.Start("/steady", c);
            NamespaceNetwork.Cut(network.Hosts[2]);

            await Eventually.HoldsAsync(
                async () => await a.ActiveMembersAsync() == 2 && await b.ActiveMembersAsync() == 2, MembershipVerdict, "A and B drop C from membership");
            var members = (await a.StatusAsync())["cluster"]!["members"]!.AsArray();
            Assert.Contains(members, m => m!["status"]!.GetValue<string>() == "dead");

            // Written on A while C is cut off: B gets it, C cannot, and says so by not routing it yet.
            Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services/svc/routes", """{"name":"during","paths":["/during"]}""")).Status);
            await Eventually.HoldsAsync(async () => (await b.Proxy.GetAsync("/during")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "B routes /during");
            Assert.Equal(HttpStatusCode.NotFound, (await c.Proxy.GetAsync("/during")).StatusCode);
            var proxiedDuringCut = traffic.Count;

            NamespaceNetwork.Heal(network.Hosts[2]);
            try
            {
                await Eventually.HoldsAsync(async () => (await c.Proxy.GetAsync("/during")).IsSuccessStatusCode, MembershipVerdict, "C routes /during after the heal");
                await Eventually.HoldsAsync(
                    async () => await a.ActiveMembersAsync() == 3 && await c.ActiveMembersAsync() == 3, MembershipVerdict, "A and C see C back in the cluster");
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or HttpRequestException)
            {
                throw new Xunit.Sdk.XunitException($"{e.Message}\nC's exit code: {c.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none (runs)"}\nC's log:\n{string.Join('\n', c.Output)}\n{c.Log}");
            }

            // C came back to find its silo voted out: it started a new one and never stopped proxying.
            Assert.Empty(await traffic.StopAsync());
            Assert.True(proxiedDuringCut > 100, $"only {proxiedDuringCut} requests reached C during the cut");
            Assert.Null(c.ExitCode);
            Assert.Equal(201, (await c.CallAsync(HttpMethod.Post, "/services/svc/routes", """{"name":"after","paths":["/after"]}""")).Status);
            await Eventually.HoldsAsync(async () => (await a.Proxy.GetAsync("/after")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "A routes C's /after");
        }
        finally
        {
            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }
}
