namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>One configured window: the period (index in <see cref="RateLimitingSchema.Periods"/>) and its limit.</summary>
/// <param name="Period">The period index (0 second ... 5 year).</param>
/// <param name="Limit">How many units the window admits.</param>
public readonly record struct WindowLimit(int Period, long Limit)
{
    /// <summary>The limit as the rate-limit headers print it, made once with the config.</summary>
    public string LimitText { get; } = RateLimitHeaders.Text(Limit);
}
