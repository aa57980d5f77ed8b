using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>Jaeger: <c>uber-trace-id: {trace}:{span}:{parent}:{flags}</c> (hex), baggage in <c>uberctx-{key}</c>.</summary>
internal static class JaegerFormat
{
    public const string Header = "uber-trace-id";
    public const string BaggagePrefix = "uberctx-";

    /// <summary>
    /// Trace id up to 32 hex digits and span id up to 16 (shorter ones are zero-padded), neither zero; flags of
    /// one or two digits, bit 0 the sampling decision. The parent id is not checked (Kong only logs a bad one).
    /// </summary>
    public static TraceContext? Extract(IHeaderDictionary headers)
    {
        var header = TraceHeaders.Single(headers, Header);
        if (string.IsNullOrEmpty(header))
            return null;
        var parts = header.Split(':');
        if (parts.Length != 4 || !parts.All(p => TraceHeaders.IsHex(p)))
            return null;
        var (trace, span, parent, flags) = (parts[0], parts[1], parts[2], parts[3]);
        if (trace.Length > 32 || span.Length > 16 || flags.Length > 2)
            return null;
        var traceId = TraceHeaders.Hex128(trace);
        var spanId = TraceHeaders.Hex64(span);
        if (traceId == 0 || spanId == 0)
            return null;
        var flagBits = (byte)TraceHeaders.Hex64(flags);
        return new TraceContext(
            traceId,
            spanId,
            TraceHeaders.Hex64(parent),
            (flagBits & 1) == 1,
            flagBits,
            TraceIdIs64Bit: (trace.Length + 1) / 2 == 8,
            Baggage: TraceHeaders.ReadBaggage(headers, BaggagePrefix));
    }

    /// <summary>Writes uber-trace-id (flags 01 when sampled, else 00; parent "0" when none) and the baggage; needs a trace and a span id.</summary>
    public static void Inject(IHeaderDictionary headers, TraceContext context)
    {
        if (!context.HasTraceId || context.SpanId == 0)
            return;
        var parent = context.ParentId == 0 ? "0" : TraceHeaders.SpanHex(context.ParentId);
        var sampled = context.Sampled == true ? "01" : "00";
        headers[Header] = $"{TraceHeaders.TraceHex(context, allow64: true)}:{TraceHeaders.SpanHex(context.SpanId)}:{parent}:{sampled}";
        TraceHeaders.WriteBaggage(headers, BaggagePrefix, context.Baggage);
    }
}
