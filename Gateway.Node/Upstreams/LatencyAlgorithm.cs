namespace Gateway.Node.Upstreams;

/// <summary>
/// Kong's latency algorithm (latency.lua, Finagle's peak EWMA): each target keeps an exponentially
/// weighted moving average of connect + response time decaying over 10 s; a pick draws two available
/// targets (power of two choices) and takes the lower average / weight. Targets without samples start
/// at the others' average so a new one is not flooded.
/// </summary>
internal sealed class LatencyAlgorithm : IBalancingAlgorithm
{
    private readonly UpstreamTarget[] _targets;
    private readonly TimeProvider _time;

    public LatencyAlgorithm(IReadOnlyList<UpstreamTarget> targets, TimeProvider time)
    {
        _targets = [.. targets.Where(t => t.Weight > 0)];
        _time = time;
        var known = _targets.Select(t => t.State.TryGetEwma(out var e) ? e : (double?)null).Where(e => e is not null).ToArray();
        if (known.Length > 0)
        {
            var average = known.Average(e => e!.Value);
            var now = time.GetTimestamp();
            foreach (var target in _targets)
            {
                target.State.SeedEwma(average, now);
            }
        }
    }

    public UpstreamTarget? Pick(BalancerRequest request)
    {
        // Counted first, then drawn by rank: no allocation per pick.
        var skipTried = true;
        var count = Count(request, skipTried);
        if (count == 0)
        {
            // Every available target was tried: start over, as Kong's least-connections does.
            skipTried = false;
            count = Count(request, skipTried);
        }

        switch (count)
        {
            case 0:
                return null;
            case 1:
                return Nth(request, skipTried, 0);
        }

        var first = Random.Shared.Next(count);
        var second = Random.Shared.Next(count - 1);
        if (second >= first)
        {
            second++;
        }

        var now = _time.GetTimestamp();
        var frequency = _time.TimestampFrequency;
        var a = Nth(request, skipTried, first)!;
        var b = Nth(request, skipTried, second)!;
        return a.State.Score(now, frequency) / a.Weight <= b.State.Score(now, frequency) / b.Weight ? a : b;
    }

    /// <summary>Adds a latency sample for the target.</summary>
    public void Observe(UpstreamTarget target, TimeSpan elapsed) =>
        target.State.Observe(elapsed.TotalSeconds, _time.GetTimestamp(), _time.TimestampFrequency);

    private int Count(BalancerRequest request, bool skipTried)
    {
        var count = 0;
        foreach (var target in _targets)
        {
            if (target.IsAvailable && !(skipTried && request.HasTried(target)))
            {
                count++;
            }
        }

        return count;
    }

    private UpstreamTarget? Nth(BalancerRequest request, bool skipTried, int rank)
    {
        foreach (var target in _targets)
        {
            if (target.IsAvailable && !(skipTried && request.HasTried(target)) && rank-- == 0)
            {
                return target;
            }
        }

        return null;
    }
}
