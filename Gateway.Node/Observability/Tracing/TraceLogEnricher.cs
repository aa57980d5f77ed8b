using System.Globalization;
using Gateway.Plugins.Sdk.Tracing;
using Serilog.Core;
using Serilog.Events;

namespace Gateway.Node.Observability.Tracing;

/// <summary>
/// Adds a traced request's ids to what is logged while it runs (pushed on Serilog's context): the trace id as it is
/// when the line is written (after the opentelemetry plugin read the caller's), the root span's id and the sampling.
/// The relay turns them into OTLP's trace_id and span_id; JSON log lines show them.
/// </summary>
public sealed class TraceLogEnricher(RequestTrace trace) : ILogEventEnricher
{
    /// <summary>The trace id property: 32 hex digits.</summary>
    public const string TraceIdProperty = "trace_id";

    /// <summary>The root span's id: 16 hex digits.</summary>
    public const string SpanIdProperty = "span_id";

    /// <summary>Whether the trace is sampled.</summary>
    public const string SampledProperty = "trace_sampled";

    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        logEvent.AddPropertyIfAbsent(new LogEventProperty(TraceIdProperty, new ScalarValue(trace.TraceId.ToString("x32", CultureInfo.InvariantCulture))));
        logEvent.AddPropertyIfAbsent(new LogEventProperty(SpanIdProperty, new ScalarValue(trace.Root.SpanId.ToString("x16", CultureInfo.InvariantCulture))));
        logEvent.AddPropertyIfAbsent(new LogEventProperty(SampledProperty, new ScalarValue(trace.Sampled == true)));
    }
}
