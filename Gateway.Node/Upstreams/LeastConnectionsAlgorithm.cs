namespace Gateway.Node.Upstreams;

/// <summary>
/// Kong's least-connections (least_connections.lua): the available target with the lowest
/// (requests in flight + 1) / weight. The +1 makes the heaviest target win among idle ones.
/// </summary>
internal sealed class LeastConnectionsAlgorithm(IReadOnlyList<UpstreamTarget> targets) : IBalancingAlgorithm
{
    private readonly UpstreamTarget[] _targets = [.. targets.Where(t => t.Weight > 0)];

    public UpstreamTarget? Pick(BalancerRequest request) => Lowest(request, skipTried: true) ?? Lowest(request, skipTried: false);

    private UpstreamTarget? Lowest(BalancerRequest request, bool skipTried)
    {
        UpstreamTarget? best = null;
        var bestScore = double.MaxValue;
        foreach (var target in _targets)
        {
            if (!target.IsAvailable || (skipTried && request.HasTried(target)))
            {
                continue;
            }

            var score = (target.State.ActiveRequests + 1) / (double)target.Weight;
            if (score < bestScore)
            {
                (best, bestScore) = (target, score);
            }
        }

        return best;
    }
}
