namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>
/// Kong's rate-limiting windows (kong/plugins/rate-limiting/expiration.lua and kong/tools/timestamp.lua):
/// fixed windows aligned on UTC calendar boundaries, indexed as <see cref="RateLimitingSchema.Periods"/>.
/// </summary>
public static class RateLimitPeriods
{
    /// <summary>Kong's EXPIRATION: a window's length in seconds (a month counts 30 days, a year 365, as in Kong).</summary>
    public static readonly long[] Seconds = [1, 60, 3600, 86400, 2592000, 31536000];

    /// <summary>The header suffixes ("Minute" in X-RateLimit-Limit-Minute).</summary>
    public static readonly string[] HeaderNames = ["Second", "Minute", "Hour", "Day", "Month", "Year"];

    /// <summary>The start (Unix milliseconds) of the window of <paramref name="period"/> holding <paramref name="nowMs"/>.</summary>
    public static long WindowStart(int period, long nowMs)
    {
        switch (period)
        {
            case 0:
            case 1:
            case 2:
            case 3:
                var length = Seconds[period] * 1000;
                return nowMs - (nowMs % length);
            default:
                var now = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
                var start = period == 4
                    ? new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero)
                    : new DateTimeOffset(now.Year, 1, 1, 0, 0, 0, TimeSpan.Zero);
                return start.ToUnixTimeMilliseconds();
        }
    }

    /// <summary>Kong's reset: seconds until the window ends by its nominal length, at least 1.</summary>
    public static long ResetSeconds(int period, long nowMs) =>
        Math.Max(1, Seconds[period] - ((nowMs - WindowStart(period, nowMs)) / 1000));

    /// <summary>The index of a period name in <see cref="RateLimitingSchema.Periods"/>.</summary>
    public static int Index(string name) => Array.IndexOf(RateLimitingSchema.Periods, name);
}
