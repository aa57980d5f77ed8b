namespace Gateway.Plugins.Sdk.Tracing;

/// <summary>A span's kind, numbered as OTLP's SpanKind.</summary>
public enum TraceSpanKind
{
    /// <summary>An operation inside the node.</summary>
    Internal = 1,

    /// <summary>The node serving a client's request (the root span).</summary>
    Server = 2,

    /// <summary>The node calling out (an upstream try, a name look-up).</summary>
    Client = 3,
}
