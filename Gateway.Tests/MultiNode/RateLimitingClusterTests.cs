namespace Gateway.Tests.MultiNode;

/// <summary>
/// The cluster policy across three node processes: traffic spread over all of them is admitted exactly
/// up to the limit (the counter grains lease at most the limit in total, and quota idle on one node is drawn
/// back when another needs it), and the local policy on the same cluster admits per node.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class RateLimitingClusterTests(RateLimitCluster cluster) : IClassFixture<RateLimitCluster>
{
    [Theory]
    [InlineData(60, 4)]
    [InlineData(500, 8)]
    public async Task TrafficOverThreeNodes_IsAdmittedExactlyUpToTheLimit(int limit, int concurrencyPerNode)
    {
        var admitted = await OneRateLimitWindow.HourAsync(async () =>
        {
            var path = await cluster.RouteWithPluginAsync($$"""{"hour":{{limit}},"policy":"cluster","limit_by":"header","header_name":"X-Tenant"}""");
            return await cluster.SpreadAsync(path, 3 * limit, concurrencyPerNode);
        });

        // Which node gets how much depends on who leases first; only the total is the cluster's promise.
        Assert.True(admitted.Sum() == limit, $"admitted {admitted.Sum()} of limit {limit} (per node: {string.Join(",", admitted)})");
    }

    [Fact]
    public async Task QuotaIdleOnTwoNodes_IsDrawnBack_WhenTheThirdReachesTheLimit()
    {
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var admitted = await OneRateLimitWindow.MinuteAsync(async () =>
        {
            var path = await cluster.RouteWithPluginAsync("""{"minute":100,"policy":"cluster","limit_by":"ip","fault_tolerant":false}""");

            // A and B each lease more than their 20 requests use; C must still get every one of the other 60.
            return (await cluster.SequentialAsync(a, path, 20), await cluster.SequentialAsync(b, path, 20), await cluster.SequentialAsync(c, path, 100));
        });

        Assert.Equal((20, 20, 60), admitted);
    }

    [Fact]
    public async Task LocalPolicy_CountsPerNode()
    {
        var admitted = await OneRateLimitWindow.HourAsync(async () =>
        {
            var path = await cluster.RouteWithPluginAsync("""{"hour":10,"policy":"local","limit_by":"header","header_name":"X-Tenant"}""");
            return await cluster.SpreadAsync(path, 60, 2);
        });

        Assert.Equal([10, 10, 10], admitted);
    }
}
