using Gateway.Storage.Migrations;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// cluster_mtls = on: nodes whose certificates come from the cluster's CA form a cluster over TLS; a node with a
/// certificate from another CA is refused, and its log says why in one line.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class MutualTlsClusterTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NodesWithTheClustersCertificates_FormACluster_AndANodeFromAnotherCaDoesNotJoin()
    {
        await using var backend = await Backend.StartAsync();
        using var authority = new ClusterAuthority("cluster-ca");
        using var foreign = new ClusterAuthority("foreign-ca");
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        try
        {
            await using (var dataSource = database.CreateDataSource())
            {
                await PostgresMigrations.UpAsync(dataSource);
            }

            var clusterId = $"mtls{Guid.NewGuid():N}";
            using var a = await ClusterNode.StartAsync("A", database, "postgres", clusterId, extra: authority.NodeSettings("node-a"));
            using var b = await ClusterNode.StartAsync("B", database, "postgres", clusterId, extra: authority.NodeSettings("node-b"));
            foreach (var node in new[] { a, b })
            {
                await Eventually.HoldsAsync(async () => await node.ActiveMembersAsync() == 2, Deadline, $"{node.Name} sees 2 active silos");
            }

            Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services", $$"""{"name":"billing","url":"http://127.0.0.1:{{backend.Port}}/"}""")).Status);
            Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services/billing/routes", """{"name":"invoices","paths":["/invoices"]}""")).Status);
            await Eventually.HoldsAsync(
                async () => (int)(await b.Proxy.GetAsync("/invoices")).StatusCode == 200, Deadline, "B proxies the route written on A");
            Assert.True(backend.Requests > 0);

            using var c = ClusterNode.Launch("C", database, "postgres", clusterId, foreign.NodeSettings("node-c"));
            await Eventually.HoldsAsync(
                () => Task.FromResult(c.Output.Any(IsRefusal)), Deadline, "C logs why the cluster refused it");
            var refusal = c.Output.First(IsRefusal);
            Assert.Matches("certificate CN=node-[ab] issued by CN=cluster-ca", refusal);
            Assert.Contains("does not chain to cluster_ca_cert (CN=foreign-ca)", refusal, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', refusal);

            Assert.Equal(2, await a.ActiveMembersAsync());
            Assert.Equal(2, await b.ActiveMembersAsync());
        }
        finally
        {
            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }

    private static bool IsRefusal(string line) => line.Contains("cluster_mtls: refused", StringComparison.Ordinal);
}
