namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>The trace header formats Kong 3.9 reads and writes (kong/observability/tracing/propagation/schema.lua).</summary>
public enum TraceFormat
{
    /// <summary>W3C Trace Context: <c>traceparent</c> and <c>tracestate</c>.</summary>
    W3C,

    /// <summary>Zipkin's multi-header B3: <c>X-B3-TraceId</c>, <c>X-B3-SpanId</c>, <c>X-B3-ParentSpanId</c>, <c>X-B3-Sampled</c>, <c>X-B3-Flags</c>.</summary>
    B3,

    /// <summary>Zipkin's single header <c>b3</c> (inject only; B3 extraction reads it too).</summary>
    B3Single,

    /// <summary>Jaeger's <c>uber-trace-id</c> and <c>uberctx-*</c> baggage.</summary>
    Jaeger,

    /// <summary>OpenTracing's <c>ot-tracer-*</c> and <c>ot-baggage-*</c>.</summary>
    Ot,

    /// <summary>Datadog's <c>x-datadog-trace-id</c>, <c>x-datadog-parent-id</c>, <c>x-datadog-sampling-priority</c>.</summary>
    Datadog,

    /// <summary>AWS X-Ray's <c>X-Amzn-Trace-Id</c>.</summary>
    Aws,

    /// <summary>Google Cloud's <c>X-Cloud-Trace-Context</c>.</summary>
    Gcp,
}
