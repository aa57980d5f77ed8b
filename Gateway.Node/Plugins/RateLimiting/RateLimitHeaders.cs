using System.Globalization;

namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>
/// Kong's rate-limit response headers: X-RateLimit-Limit-{Period} and X-RateLimit-Remaining-{Period} per
/// window, and RateLimit-Limit/-Remaining/-Reset for the window with the least remaining (the longer
/// one on a tie); Retry-After on refusals.
/// </summary>
public static class RateLimitHeaders
{
    private static readonly string[] LimitNames = [.. RateLimitPeriods.HeaderNames.Select(p => "X-RateLimit-Limit-" + p)];
    private static readonly string[] RemainingNames = [.. RateLimitPeriods.HeaderNames.Select(p => "X-RateLimit-Remaining-" + p)];

    /// <summary>
    /// The headers for a decision. <paramref name="reset"/> is the seconds until the chosen window ends,
    /// which Kong also sends as Retry-After.
    /// </summary>
    public static List<KeyValuePair<string, string>> Build(WindowLimit[] windows, RateLimitDecision decision, long nowMs, out long reset)
    {
        var headers = new List<KeyValuePair<string, string>>((windows.Length * 2) + 4);
        var limit = "0";
        long remaining = 0, window = 0;
        reset = 0;
        var chosen = false;
        for (var i = 0; i < windows.Length; i++)
        {
            var period = windows[i].Period;

            // Kong's remaining is limit minus the usage before the request, less this request unless
            // another window refused it; Used already counts the request when admitted.
            var left = decision.Admitted ? windows[i].Limit - decision.Used[i]
                : decision.Stop == i ? windows[i].Limit - decision.Used[i] - 1
                : windows[i].Limit - decision.Used[i];
            left = Math.Max(0, left);
            var length = RateLimitPeriods.Seconds[period];
            if (!chosen || left < remaining || (left == remaining && length > window))
            {
                chosen = true;
                limit = windows[i].LimitText;
                remaining = left;
                window = length;
                reset = RateLimitPeriods.ResetSeconds(period, nowMs);
            }

            headers.Add(new(LimitNames[period], windows[i].LimitText));
            headers.Add(new(RemainingNames[period], Text(left)));
        }

        headers.Add(new("RateLimit-Limit", limit));
        headers.Add(new("RateLimit-Remaining", Text(remaining)));
        headers.Add(new("RateLimit-Reset", Text(reset)));
        return headers;
    }

    /// <summary>A number as Kong prints it.</summary>
    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
