using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>Datadog: decimal <c>x-datadog-trace-id</c> and <c>x-datadog-parent-id</c>, <c>x-datadog-sampling-priority</c>.</summary>
internal static class DatadogFormat
{
    public const string TraceId = "x-datadog-trace-id";
    public const string ParentId = "x-datadog-parent-id";
    public const string SamplingPriority = "x-datadog-sampling-priority";

    /// <summary>
    /// Priority 1 or 2 samples, 0 or -1 does not, any other value voids the whole context. A non-decimal id is
    /// dropped (the parent with a missing trace id too); the sampling decision alone still makes a context.
    /// </summary>
    public static TraceContext? Extract(IHeaderDictionary headers)
    {
        if (!TraceHeaders.Present(headers, TraceId) && !TraceHeaders.Present(headers, ParentId) && !TraceHeaders.Present(headers, SamplingPriority))
            return null;
        bool? sampled = null;
        if (TraceHeaders.Present(headers, SamplingPriority))
        {
            sampled = TraceHeaders.Single(headers, SamplingPriority) switch { "1" or "2" => true, "0" or "-1" => false, _ => null };
            if (sampled is null)
                return null;
        }
        var hasTrace = TraceHeaders.TryDecimal(TraceHeaders.Single(headers, TraceId), out var traceId, out var fits64);
        var hasParent = TraceHeaders.TryDecimal(TraceHeaders.Single(headers, ParentId), out var parentId, out _);
        if (!hasTrace)
            return sampled is null ? null : new TraceContext(0, 0, 0, sampled);
        // The parent id is the caller's span: the parent of the span this node makes.
        return new TraceContext(traceId, hasParent ? (ulong)parentId : 0, 0, sampled, TraceIdIs64Bit: fits64);
    }

    /// <summary>Writes what the context has: the trace id's low 64 bits and the span id in decimal, the priority as 1 or 0.</summary>
    public static void Inject(IHeaderDictionary headers, TraceContext context)
    {
        if (context.HasTraceId)
            headers[TraceId] = TraceHeaders.Decimal((ulong)context.TraceId);
        if (context.SpanId != 0)
            headers[ParentId] = TraceHeaders.Decimal(context.SpanId);
        if (context.Sampled is { } sampled)
            headers[SamplingPriority] = sampled ? "1" : "0";
    }
}
