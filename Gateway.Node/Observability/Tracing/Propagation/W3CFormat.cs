using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>W3C Trace Context: <c>traceparent: 00-{trace 32 hex}-{parent 16 hex}-{flags 2 hex}</c>, and <c>tracestate</c> passed on.</summary>
internal static class W3CFormat
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>Reads version 00 only; a wrong length, non-hex part or all-zero id yields nothing.</summary>
    public static TraceContext? Extract(IHeaderDictionary headers)
    {
        var header = TraceHeaders.Single(headers, TraceParent);
        if (string.IsNullOrEmpty(header))
            return null;
        var parts = header.Split('-');
        if (parts.Length != 4 || !parts.All(p => TraceHeaders.IsHex(p)))
            return null;
        var (version, trace, parent, flags) = (parts[0], parts[1], parts[2], parts[3]);
        if (version != "00" || trace.Length != 32 || parent.Length != 16 || flags.Length != 2)
            return null;
        var traceId = TraceHeaders.Hex128(trace);
        var spanId = TraceHeaders.Hex64(parent);
        if (traceId == 0 || spanId == 0)
            return null;
        var flagBits = (byte)TraceHeaders.Hex64(flags);
        // traceparent's parent-id is the caller's span: the parent of the span this node makes.
        return new TraceContext(traceId, spanId, 0, (flagBits & 1) == 1, flagBits, TraceState: TraceStateOf(headers));
    }

    /// <summary>Writes traceparent (sampled as flags 01, else 00) and the context's tracestate; needs a trace and a span id.</summary>
    public static void Inject(IHeaderDictionary headers, TraceContext context)
    {
        if (!context.HasTraceId || context.SpanId == 0)
            return;
        var sampled = context.Sampled == true ? "01" : "00";
        headers[TraceParent] = $"00-{TraceHeaders.TraceHex(context, allow64: false)}-{TraceHeaders.SpanHex(context.SpanId)}-{sampled}";
        if (!string.IsNullOrEmpty(context.TraceState))
            headers[TraceState] = context.TraceState;
    }

    private static string? TraceStateOf(IHeaderDictionary headers)
    {
        var joined = string.Join(',', TraceHeaders.All(headers, TraceState).Where(v => !string.IsNullOrEmpty(v)));
        return joined.Length == 0 ? null : joined;
    }
}
