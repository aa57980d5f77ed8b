namespace Gateway.Cluster.RateLimiting;

/// <summary>
/// The cluster policy's counter for one rate-limit key in one window (key
/// <c>{scope}:{identifier}:{window start}:{period}</c>). Nodes lease quota from it in batches and admit
/// requests from their batch without a remote call; the grain never leases more than the limit in total.
/// </summary>
public interface IRateLimitCounterGrain : IGrainWithStringKey
{
    /// <summary>
    /// Leases up to <paramref name="wanted"/> units of <paramref name="limit"/>; returns how many were
    /// granted (0 when the window is used up) and the total leased. Batches shrink as the window fills, down to one unit.
    /// </summary>
    Task<RateLimitLease> LeaseAsync(long limit, long wanted);

    /// <summary>How many units are leased out now (for tests and diagnostics).</summary>
    Task<long> LeasedAsync();

    /// <summary>Adds <paramref name="units"/> to a plain count (response-ratelimiting counts after the response); returns the new count.</summary>
    Task<long> AddAsync(long units);

    /// <summary>The plain count.</summary>
    Task<long> CountAsync();
}
