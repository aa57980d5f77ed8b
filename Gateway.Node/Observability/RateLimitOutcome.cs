namespace Gateway.Node.Observability;

/// <summary>What a rate-limiting decision was, as gateway_ratelimit_decisions_total labels it.</summary>
public enum RateLimitOutcome
{
    /// <summary>Under every limit: the request goes on.</summary>
    Allowed,

    /// <summary>A window was full: the request was refused.</summary>
    Rejected,

    /// <summary>The policy's counters failed (the request then went on, got 500, or was limited per node, as fault_tolerant and the policy say).</summary>
    Error,
}
