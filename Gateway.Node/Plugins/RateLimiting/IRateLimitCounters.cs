namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>
/// A policy's counters (Kong's policies/init.lua, one implementation per policy). Unlike Kong, which reads
/// the usage and increments later, a check here counts the request in the same step only if every window
/// has room, so concurrent requests can never be admitted beyond the limit.
/// </summary>
public interface IRateLimitCounters
{
    /// <summary>
    /// Counts <paramref name="cost"/> units for <paramref name="key"/> in each window if all of them have
    /// room at <paramref name="nowMs"/> (Unix milliseconds); otherwise counts nothing.
    /// Throws when the store cannot be reached.
    /// </summary>
    ValueTask<RateLimitDecision> ConsumeAsync(string key, WindowLimit[] windows, long nowMs, long cost);
}
