namespace Gateway.Tests.MultiNode;

/// <summary>
/// Issue 21's scenario on three fresh nodes, so that the burst is the first use of each node's cluster counters:
/// 100 per minute by ip, 300 requests round-robin over the nodes from 24 concurrent clients.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class RateLimitingClusterBurstTests(RateLimitCluster cluster) : IClassFixture<RateLimitCluster>
{
    [Fact]
    public async Task ThreeNodes_100PerMinuteByIp_300RequestsRoundRobinFrom24Clients_Admit100AndRefuse200()
    {
        var nodes = cluster.Nodes.ToArray();
        var admitted = await OneRateLimitWindow.MinuteAsync(async () =>
        {
            var path = await cluster.RouteWithPluginAsync("""{"minute":100,"policy":"cluster","limit_by":"ip","fault_tolerant":false}""");
            return await cluster.RoundRobinAsync(path, 300, 24, nodes);
        });

        // RoundRobinAsync fails the test on any answer but 200 and 429: 100 admitted leaves 200 refused.
        Assert.Equal(100, admitted);
    }
}
