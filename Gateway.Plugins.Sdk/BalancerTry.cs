namespace Gateway.Plugins.Sdk;

/// <summary>
/// One try of a proxied request (Kong's <c>balancer_data.tries</c>): when it began, how long it took, the peer, and
/// for a try that failed Kong's state "failed" and the status it meant (502, 504).
/// </summary>
/// <param name="StartedAtUnixNano">When the try began, in nanoseconds since the Unix epoch.</param>
/// <param name="LatencyNano">How long the try took until the upstream's headers or the failure.</param>
/// <param name="Ip">The peer's address (or host name when it was not an address).</param>
/// <param name="Port">The peer's port.</param>
/// <param name="State">"failed" for a failed try; null for the try that got an answer.</param>
/// <param name="Code">The status a failed try meant; null otherwise.</param>
public sealed record BalancerTry(long StartedAtUnixNano, long LatencyNano, string Ip, int Port, string? State = null, int? Code = null);
