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
        var candidates = new List<UpstreamTarget>(_targets.Length);
        foreach (var target in _targets)
        {
            if (target.IsAvailable && !request.HasTried(target))
            {
                candidates.Add(target);
            }
        }

        if (candidates.Count == 0)
        {
            // Every available target was tried: start over, as Kong's least-connections does.
            candidates.AddRange(_targets.Where(t => t.IsAvailable));
        }

        switch (candidates.Count)
        {
            case 0:
                return null;
            case 1:
                return candidates[0];
        }

        var first = Random.Shared.Next(candidates.Count);
        var second = Random.Shared.Next(candidates.Count - 1);
        if (second >= first)
        {
            second++;
        }

        var now = _time.GetTimestamp();
        var frequency = _time.TimestampFrequency;
        var a = candidates[first];
        var b = candidates[second];
        return a.State.Score(now, frequency) / a.Weight <= b.State.Score(now, frequency) / b.Weight ? a : b;
    }

    /// <summary>Adds a latency sample for the target.</summary>
    public void Observe(UpstreamTarget target, TimeSpan elapsed) =>
        target.State.Observe(elapsed.TotalSeconds, _time.GetTimestamp(), _time.TimestampFrequency);
}
