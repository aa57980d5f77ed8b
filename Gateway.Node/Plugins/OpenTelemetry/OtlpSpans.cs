using System.Buffers.Binary;
using Gateway.Plugins.Sdk.Tracing;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Gateway.Node.Plugins.OpenTelemetry;

/// <summary>A request's spans as OTLP messages (kong/observability/otlp/init.lua), and the batches that carry them.</summary>
internal static class OtlpSpans
{
    /// <summary>The instrumentation scope Kong names its spans with.</summary>
    private static readonly InstrumentationScope Scope = new() { Name = "kong-internal", Version = "0.1.0" };

    /// <summary>
    /// An ended trace as one OTLP export request under <paramref name="resource"/>. A queue entry each: protobuf
    /// concatenates repeated fields, so a batch is the entries' bytes one after the other (one resource_spans each).
    /// </summary>
    public static byte[] Encode(RequestTrace trace, Resource resource)
    {
        var traceId = Id(trace.TraceId);
        var spans = trace.Spans;
        var rootEnd = trace.Root.EndUnixNano;
        var scopeSpans = new ScopeSpans { Scope = Scope };
        var count = spans.Count; // a connection opened for the request may still add one
        for (var i = 0; i < count; i++)
        {
            scopeSpans.Spans.Add(ToOtlp(spans[i], traceId, trace.TraceState, rootEnd));
        }

        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scopeSpans } } } }.ToByteArray();
    }

    /// <summary>A 16-byte trace id, big-endian.</summary>
    public static ByteString Id(UInt128 id)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, id);
        return ByteString.CopyFrom(bytes);
    }

    /// <summary>An 8-byte span id, big-endian.</summary>
    public static ByteString Id(ulong id)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, id);
        return ByteString.CopyFrom(bytes);
    }

    /// <summary>An attribute value as OTLP's AnyValue.</summary>
    public static AnyValue Value(object value) => value switch
    {
        string s => new AnyValue { StringValue = s },
        bool b => new AnyValue { BoolValue = b },
        long l => new AnyValue { IntValue = l },
        int n => new AnyValue { IntValue = n },
        double d => new AnyValue { DoubleValue = d },
        _ => new AnyValue { StringValue = value.ToString() ?? "" },
    };

    private static Span ToOtlp(TraceSpan span, ByteString traceId, string? traceState, long rootEnd)
    {
        var otlp = new Span
        {
            TraceId = traceId,
            SpanId = Id(span.SpanId),
            Name = span.Name,
            Kind = (Span.Types.SpanKind)span.Kind,
            StartTimeUnixNano = (ulong)span.StartUnixNano,

            // A span a failure left open ends with the request.
            EndTimeUnixNano = (ulong)(span.EndUnixNano != 0 ? span.EndUnixNano : Math.Max(rootEnd, span.StartUnixNano)),
        };
        if (span.ParentId != 0)
        {
            otlp.ParentSpanId = Id(span.ParentId);
        }

        if (traceState is not null)
        {
            otlp.TraceState = traceState;
        }

        foreach (var (key, value) in span.Attributes)
        {
            otlp.Attributes.Add(new KeyValue { Key = key, Value = Value(value) });
        }

        if (span.IsError)
        {
            otlp.Status = new Status { Code = Status.Types.StatusCode.Error, Message = span.ErrorMessage ?? "" };
        }

        return otlp;
    }
}
