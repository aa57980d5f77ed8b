namespace Gateway.Cluster.RateLimiting;

/// <summary>A lease answer.</summary>
/// <param name="Granted">Units granted to the caller (0 when the window is used up).</param>
/// <param name="Leased">Units leased out in total after this grant, across every node.</param>
[GenerateSerializer]
[Alias("Gateway.Cluster.RateLimiting.RateLimitLease")]
public readonly record struct RateLimitLease([property: Id(0)] long Granted, [property: Id(1)] long Leased);
