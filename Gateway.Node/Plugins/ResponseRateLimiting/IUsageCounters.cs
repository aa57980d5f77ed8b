namespace Gateway.Node.Plugins.ResponseRateLimiting;

/// <summary>
/// Counters read before the response and added to after it (Kong's response-ratelimiting policies:
/// <c>usage</c> and <c>increment</c>), since the cost is only known from the upstream's answer.
/// </summary>
public interface IUsageCounters
{
    /// <summary>The count of <paramref name="key"/> in the window of <paramref name="period"/> holding <paramref name="nowMs"/>.</summary>
    ValueTask<long> UsageAsync(string key, int period, long nowMs);

    /// <summary>Adds <paramref name="units"/> to that window's count.</summary>
    ValueTask AddAsync(string key, int period, long nowMs, long units);
}
