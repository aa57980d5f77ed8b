namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>What a counter store answered for one request.</summary>
/// <param name="Admitted">Whether every window had room; when true, the request was counted in all of them.</param>
/// <param name="Used">
/// Per configured window (same order): the count including this request when admitted, or the count
/// before it when not (a refused request is not counted, as in Kong).
/// </param>
/// <param name="Stop">The index of a window that was full, or -1.</param>
public sealed record RateLimitDecision(bool Admitted, long[] Used, int Stop);
