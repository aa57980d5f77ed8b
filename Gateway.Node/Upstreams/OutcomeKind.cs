namespace Gateway.Node.Upstreams;

/// <summary>How a request to a target (or a health probe) ended.</summary>
public enum OutcomeKind
{
    /// <summary>The target answered with a status code.</summary>
    Response,

    /// <summary>The connection failed: refused, reset, or closed before a response.</summary>
    TcpFailure,

    /// <summary>The connect, write or read timed out.</summary>
    Timeout,

    /// <summary>A tcp probe connected: a success with no status.</summary>
    Connected,

    /// <summary>The client went away first: says nothing about the target, so health is left alone.</summary>
    Aborted,
}
