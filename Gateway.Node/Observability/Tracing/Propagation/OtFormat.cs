using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>OpenTracing: <c>ot-tracer-traceid</c> (16 or 32 hex), <c>ot-tracer-spanid</c> (16 hex), <c>ot-tracer-sampled</c>, baggage in <c>ot-baggage-{key}</c>.</summary>
internal static class OtFormat
{
    public const string TraceId = "ot-tracer-traceid";
    public const string SpanId = "ot-tracer-spanid";
    public const string Sampled = "ot-tracer-sampled";
    public const string BaggagePrefix = "ot-baggage-";

    /// <summary>An invalid trace or span id drops both; the sampling decision and baggage still make a context.</summary>
    public static TraceContext? Extract(IHeaderDictionary headers)
    {
        if (!TraceHeaders.Present(headers, TraceId) && !TraceHeaders.Present(headers, SpanId) && !TraceHeaders.Present(headers, Sampled))
            return null;
        bool? sampled = TraceHeaders.Single(headers, Sampled) switch { "1" or "true" => true, "0" or "false" => false, _ => null };
        var trace = TraceHeaders.Single(headers, TraceId);
        var span = TraceHeaders.Single(headers, SpanId);
        var traceValid = !TraceHeaders.Present(headers, TraceId) || (trace is { Length: 16 or 32 } && TraceHeaders.IsHex(trace));
        var spanValid = !TraceHeaders.Present(headers, SpanId) || (span is { Length: 16 } && TraceHeaders.IsHex(span));
        if (!traceValid || !spanValid)
            trace = span = null;
        var baggage = TraceHeaders.ReadBaggage(headers, BaggagePrefix);
        if (trace is null)
        {
            return sampled is null && baggage is null ? null : new TraceContext(0, 0, 0, sampled, Baggage: baggage);
        }
        return new TraceContext(
            TraceHeaders.Hex128(trace),
            span is null ? 0 : TraceHeaders.Hex64(span),
            0,
            sampled,
            TraceIdIs64Bit: trace.Length == 16,
            Baggage: baggage);
    }

    /// <summary>Writes the ids (the trace id in 64 bits when it came so), the sampling decision when known, and the baggage; needs a trace and a span id.</summary>
    public static void Inject(IHeaderDictionary headers, TraceContext context)
    {
        if (!context.HasTraceId || context.SpanId == 0)
            return;
        headers[TraceId] = TraceHeaders.TraceHex(context, allow64: true);
        headers[SpanId] = TraceHeaders.SpanHex(context.SpanId);
        if (context.Sampled is { } sampled)
            headers[Sampled] = sampled ? "1" : "0";
        TraceHeaders.WriteBaggage(headers, BaggagePrefix, context.Baggage);
    }
}
