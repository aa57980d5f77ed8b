namespace Gateway.Cluster.RateLimiting;

/// <summary>A node's lease call to one counter grain.</summary>
/// <param name="Limit">The window's limit.</param>
/// <param name="Needed">Units the waiting request needs now (its cost): less than this is no grant.</param>
/// <param name="Wanted">Units the node would like to hold (its batch), at least <paramref name="Needed"/>.</param>
/// <param name="EndsAtMs">When the window ends (Unix milliseconds): the saved count expires after it.</param>
/// <param name="Holder">The calling node, asked to give back what it holds unused when the window runs dry.</param>
/// <param name="Returned">
/// Units the calling node gave back for this counter so far: the grain counts those whose answer it never got
/// (a draw-back that timed out) once it sees this grow.
/// </param>
[GenerateSerializer]
[Alias("Gateway.Cluster.RateLimiting.RateLimitLeaseRequest")]
public sealed record RateLimitLeaseRequest(
    [property: Id(0)] long Limit,
    [property: Id(1)] long Needed,
    [property: Id(2)] long Wanted,
    [property: Id(3)] long EndsAtMs,
    [property: Id(4)] IRateLimitLeaseHolder Holder,
    [property: Id(5)] long Returned);
