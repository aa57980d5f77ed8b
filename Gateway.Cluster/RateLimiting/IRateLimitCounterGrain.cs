namespace Gateway.Cluster.RateLimiting;

/// <summary>
/// The cluster policy's counter for one rate-limit key in one window (key
/// <c>{scope}:{identifier}:{window start}:{period}</c>). Nodes lease quota from it in batches and admit
/// requests from their batch without a remote call; the grain never leases more than the limit in total,
/// and draws back the units other nodes hold unused before it refuses one.
/// </summary>
public interface IRateLimitCounterGrain : IGrainWithStringKey
{
    /// <summary>
    /// Leases units of the request's limit; returns how many were granted (0 when every unit of the window is
    /// used, at least <see cref="RateLimitLeaseRequest.Needed"/> otherwise) and the total leased. Batches shrink
    /// as the window fills, down to the units needed.
    /// </summary>
    Task<RateLimitLease> LeaseAsync(RateLimitLeaseRequest request);

    /// <summary>How many units are leased out now (for tests and diagnostics).</summary>
    Task<long> LeasedAsync();

    /// <summary>Adds <paramref name="units"/> to a plain count (response-ratelimiting counts after the response); returns the new count.</summary>
    Task<long> AddAsync(long units);

    /// <summary>The plain count.</summary>
    Task<long> CountAsync();
}
