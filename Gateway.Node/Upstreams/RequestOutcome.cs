namespace Gateway.Node.Upstreams;

/// <summary>What the proxy saw from a target, reported through <see cref="UpstreamBalancer.Complete"/>.</summary>
/// <param name="Kind">How the request ended.</param>
/// <param name="Status">The response status when <paramref name="Kind"/> is <see cref="OutcomeKind.Response"/>; 0 otherwise.</param>
/// <param name="Elapsed">Connect plus response time (the latency algorithm's sample).</param>
public readonly record struct RequestOutcome(OutcomeKind Kind, int Status, TimeSpan Elapsed)
{
    /// <summary>The target answered <paramref name="status"/> (response headers received).</summary>
    public static RequestOutcome Response(int status, TimeSpan elapsed) => new(OutcomeKind.Response, status, elapsed);

    /// <summary>The connection to the target failed.</summary>
    public static RequestOutcome TcpFailure(TimeSpan elapsed) => new(OutcomeKind.TcpFailure, 0, elapsed);

    /// <summary>The target timed out.</summary>
    public static RequestOutcome Timeout(TimeSpan elapsed) => new(OutcomeKind.Timeout, 0, elapsed);

    /// <summary>A stream session's connection to the target was made (reported when the session ends).</summary>
    public static RequestOutcome Connected(TimeSpan elapsed) => new(OutcomeKind.Connected, 0, elapsed);

    /// <summary>The client aborted: the target's health is not touched.</summary>
    public static RequestOutcome Aborted(TimeSpan elapsed) => new(OutcomeKind.Aborted, 0, elapsed);
}
