namespace Gateway.Node.Upstreams;

/// <summary>
/// Kong's weighted round-robin (round_robin.lua): a wheel holding each target weight/gcd times,
/// shuffled once, walked by a shared pointer. Over one turn of the wheel every available target gets
/// exactly its share; weight 0 puts a target on the wheel zero times.
/// </summary>
internal sealed class RoundRobinAlgorithm : IBalancingAlgorithm
{
    /// <summary>A wheel larger than this is scaled down (Kong's wheel can grow to the sum of weights).</summary>
    private const int MaxWheel = 1 << 16;

    private readonly UpstreamTarget[] _wheel;
    private uint _pointer;

    public RoundRobinAlgorithm(IReadOnlyList<UpstreamTarget> targets)
    {
        var weighted = targets.Where(t => t.Weight > 0).ToArray();
        var divisor = weighted.Aggregate(0L, (g, t) => Gcd(g, t.Weight));
        var total = weighted.Sum(t => (long)t.Weight);
        var scale = divisor == 0 ? 1.0 : Math.Min(1.0, MaxWheel / (double)(total / divisor));
        var wheel = new List<UpstreamTarget>();
        foreach (var target in weighted)
        {
            var points = Math.Max(1, (int)Math.Round(target.Weight / divisor * scale));
            for (var i = 0; i < points; i++)
            {
                wheel.Add(target);
            }
        }

        _wheel = [.. wheel];
        Random.Shared.Shuffle(_wheel);
        _pointer = (uint)Random.Shared.Next();
    }

    public UpstreamTarget? Pick(BalancerRequest request)
    {
        var wheel = _wheel;
        if (wheel.Length == 0)
        {
            return null;
        }

        UpstreamTarget? fallback = null;
        for (var i = 0; i < wheel.Length; i++)
        {
            var target = wheel[Interlocked.Increment(ref _pointer) % (uint)wheel.Length];
            if (!target.IsAvailable)
            {
                continue;
            }

            if (!request.HasTried(target))
            {
                return target;
            }

            fallback ??= target;
        }

        return fallback;
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
