using System.Text.Json.Nodes;

namespace Gateway.Node.Plugins.Aggregate;

/// <summary>How one backend of an aggregate went.</summary>
public enum BackendOutcome
{
    /// <summary>A 2xx JSON answer in time.</summary>
    Answered,

    /// <summary>An error status, an answer that is not JSON or too large, or no answer (connection failure, no peer).</summary>
    Failed,

    /// <summary>No answer in time (the backend's timeout, the whole fan-out's, or the service's read_timeout).</summary>
    TimedOut,

    /// <summary>Not called: a backend it depends on did not answer, or its path needs a value that is missing.</summary>
    Skipped,
}

/// <summary>One backend's result: its outcome, the status for <c>_status</c>, its parsed answer and the shaped part merged.</summary>
/// <param name="Outcome">How it went.</param>
/// <param name="Status">The backend's status; 0 for a timeout; the proxy's 502 or 503 when no answer came.</param>
/// <param name="Answer">The parsed answer as sent (what dependents' templates read); null unless answered.</param>
/// <param name="Part">The answer after target, allow, deny, mapping and is_collection; null unless answered.</param>
public sealed record BackendResult(BackendOutcome Outcome, int Status, JsonNode? Answer = null, JsonNode? Part = null)
{
    /// <summary>A backend that was not called.</summary>
    public static readonly BackendResult Skipped = new(BackendOutcome.Skipped, 0);

    /// <summary>A backend that did not answer in time.</summary>
    public static readonly BackendResult TimedOut = new(BackendOutcome.TimedOut, 0);

    /// <summary>Whether it answered.</summary>
    public bool Answered => Outcome == BackendOutcome.Answered;
}
