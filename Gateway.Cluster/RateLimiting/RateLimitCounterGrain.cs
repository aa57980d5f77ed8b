namespace Gateway.Cluster.RateLimiting;

/// <summary>
/// Holds one window's lease total in memory. Its count lives only as long as the activation: a silo
/// lost mid-window restarts that window's count on another silo, the price of keeping counters off the database.
/// </summary>
public sealed class RateLimitCounterGrain : Grain, IRateLimitCounterGrain
{
    /// <summary>The share of what is left one lease may take: near the limit batches shrink to single units.</summary>
    private const long ShareDivisor = 8;

    private long _leased;
    private long _count;

    /// <inheritdoc/>
    public Task<RateLimitLease> LeaseAsync(long limit, long wanted)
    {
        var free = limit - _leased;
        if (free <= 0 || wanted <= 0)
        {
            return Task.FromResult(new RateLimitLease(0, _leased));
        }

        var granted = Math.Min(wanted, Math.Max(1, free / ShareDivisor));
        _leased += granted;
        return Task.FromResult(new RateLimitLease(granted, _leased));
    }

    /// <inheritdoc/>
    public Task<long> LeasedAsync() => Task.FromResult(_leased);

    /// <inheritdoc/>
    public Task<long> AddAsync(long units) => Task.FromResult(_count += units);

    /// <inheritdoc/>
    public Task<long> CountAsync() => Task.FromResult(_count);
}
