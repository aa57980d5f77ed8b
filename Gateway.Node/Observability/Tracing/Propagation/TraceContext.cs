namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>
/// A trace context read from, or to be written to, request headers (Kong's extracted/injected ctx).
/// Ids are held as numbers: a 64-bit trace id (b3, datadog, ot, jaeger may carry one) is kept in the low
/// 64 bits with <see cref="TraceIdIs64Bit"/> set, so injectors that need 128 bits can pad it as Kong does.
/// </summary>
/// <param name="TraceId">The trace id (128 bits; a 64-bit id in the low half); 0 when the headers carried none.</param>
/// <param name="SpanId">The sender's span id: the parent of the span this node makes; 0 when absent.</param>
/// <param name="ParentId">The sender's parent span id, where the format carries one (b3, jaeger); 0 when absent.</param>
/// <param name="Sampled">The sampling decision carried, or null when the headers carry none.</param>
/// <param name="Flags">Format flags to pass on (w3c trace-flags; b3 debug as 1; jaeger flags).</param>
/// <param name="TraceIdIs64Bit">Whether the trace id arrived as 64 bits.</param>
/// <param name="Baggage">Baggage items (jaeger uberctx-*, ot-baggage-*), or null.</param>
/// <param name="TraceState">W3C tracestate to pass on, or null.</param>
public sealed record TraceContext(
    UInt128 TraceId,
    ulong SpanId,
    ulong ParentId,
    bool? Sampled,
    byte Flags = 0,
    bool TraceIdIs64Bit = false,
    IReadOnlyDictionary<string, string>? Baggage = null,
    string? TraceState = null)
{
    /// <summary>
    /// B3's debug decision (single header sampled "d", or <c>X-B3-Flags: 1</c>): the b3 injectors write it
    /// back as debug. Kept apart from <see cref="Flags"/> so w3c or jaeger flags never read as b3 debug.
    /// </summary>
    public bool Debug { get; init; }

    /// <summary>
    /// The context a node writes upstream when it continues <paramref name="extracted"/> (or starts a trace): the trace,
    /// the node's span named as parent of the upstream's, and the caller's extras (baggage, tracestate, b3's single
    /// header and debug); the w3c sampled flag follows <paramref name="sampled"/>.
    /// </summary>
    public static TraceContext Continue(TraceContext? extracted, UInt128 traceId, ulong spanId, ulong parentId, bool sampled, bool traceIdIs64Bit)
    {
        var flags = (byte)((extracted?.Flags ?? 0) & ~1 | (sampled ? 1 : 0));
        return extracted is null
            ? new TraceContext(traceId, spanId, parentId, sampled, flags, traceIdIs64Bit)
            : extracted with { TraceId = traceId, SpanId = spanId, ParentId = parentId, Sampled = sampled, Flags = flags, TraceIdIs64Bit = traceIdIs64Bit };
    }

    /// <summary>Whether B3 extraction read the single <c>b3</c> header (or tracestate's <c>b3=</c>): "preserve" then writes b3-single.</summary>
    public bool SingleHeader { get; init; }

    /// <summary>Whether the context carries a trace id (0 is none: b3, datadog and aws may carry a sampling decision alone).</summary>
    public bool HasTraceId => TraceId != UInt128.Zero;
}
