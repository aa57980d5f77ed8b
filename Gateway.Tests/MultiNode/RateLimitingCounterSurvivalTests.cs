using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// The cluster policy's counts survive the loss of the silo that holds the counter grain: the grain writes what
/// it leases to Redis before it answers, and its next activation, on a surviving silo, starts from there.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class RateLimitingCounterSurvivalTests(RateLimitCluster cluster) : IClassFixture<RateLimitCluster>
{
    [Fact]
    public async Task SiloHoldingTheCounterKilled_TheSurvivorsAdmitOnlyWhatWasLeft()
    {
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var (before, after) = await OneRateLimitWindow.HourAsync(async () =>
        {
            var path = await cluster.RouteWithPluginAsync("""{"hour":100,"policy":"cluster","limit_by":"ip","fault_tolerant":false}""");

            // C asks first, so the counter grain activates on C (it is placed on its first caller's silo); one request
            // leases one unit (a node's first lease is one unit), so C dies holding no idle quota.
            var first = await cluster.SequentialAsync(c, path, 1);
            var spread = await cluster.RoundRobinAsync(path, 40, 4, a, b);
            c.Kill();
            foreach (var survivor in new[] { a, b })
            {
                await Eventually.HoldsAsync(async () => await survivor.ActiveMembersAsync() == 2, TimeSpan.FromSeconds(90), $"{survivor.Name} drops C");
            }

            var rest = await cluster.RoundRobinAsync(path, 200, 4, a, b);
            await c.StartAsync();
            await Eventually.HoldsAsync(async () => await a.ActiveMembersAsync() == 3, TimeSpan.FromSeconds(60), "A sees C again");
            return (first + spread, rest);
        });

        Assert.Equal(41, before);
        Assert.Equal(59, after);
    }
}
