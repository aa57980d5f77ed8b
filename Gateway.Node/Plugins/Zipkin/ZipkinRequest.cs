using System.Globalization;
using Gateway.Node.Observability.Tracing.Propagation;
using Gateway.Plugins.Sdk.Tracing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Plugins.Zipkin;

/// <summary>
/// One request's zipkin state (Kong's <c>kong.ctx.plugin.zipkin</c>), made by the first phase that runs (access, or
/// header_filter for a request answered before access) and read by the log phase: the trace, the request span's
/// and the proxy span's ids, the sampling decision and the times the phases began and ended (Unix microseconds).
/// </summary>
internal sealed class ZipkinRequest
{
    /// <summary>The trace id; a 64-bit one in the low half.</summary>
    public required UInt128 TraceId { get; init; }

    /// <summary>Whether the trace id has 64 bits (sent as 16 hex digits).</summary>
    public required bool TraceId64 { get; init; }

    /// <summary>The request span's id: the caller's for formats that share a span between both sides (b3, jaeger).</summary>
    public required ulong SpanId { get; init; }

    /// <summary>The request span's parent, 0 for none.</summary>
    public required ulong ParentId { get; init; }

    /// <summary>The proxy span's id: the upstream's parent.</summary>
    public required ulong ProxySpanId { get; init; }

    /// <summary>Whether the spans are reported.</summary>
    public required bool Sampled { get; init; }

    /// <summary>The request's host name (Kong's <c>kong.request.get_host</c>).</summary>
    public string? Host { get; init; }

    /// <summary>"HTTP/1.1", "HTTP/2"; null when unknown.</summary>
    public string? Protocol { get; init; }

    /// <summary>The client's port, for the request span's remote endpoint.</summary>
    public int? ClientPort { get; init; }

    /// <summary>The tags the <c>tags_header</c> header carried.</summary>
    public Dictionary<string, string>? HeaderTags { get; init; }

    /// <summary>When the access phase began; null when it did not run.</summary>
    public long? AccessStart { get; set; }

    /// <summary>When the header_filter phase began.</summary>
    public long? HeaderFilterStart { get; set; }

    /// <summary>When the header_filter phase ended (the body began).</summary>
    public long? HeaderFilterEnd { get; set; }

    /// <summary>The trace id in lower-case hex: 16 digits for a 64-bit id, else 32.</summary>
    public string TraceHex => TraceId64
        ? ((ulong)TraceId).ToString("x16", CultureInfo.InvariantCulture)
        : TraceId.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Now, in microseconds since the Unix epoch.</summary>
    public static long NowMicros() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>
    /// Kong's initialize_request: continue the caller's trace (its id, and for b3 and jaeger its span as the request
    /// span), follow its sampling decision or sample <c>sample_ratio</c> of the traces by id, start a trace of
    /// <c>traceid_byte_count</c> bytes when it sent none.
    /// </summary>
    public static ZipkinRequest Start(
        (TraceContext Context, TraceFormat Format)? found, ZipkinConfig config, IHeaderDictionary headers, List<string> tagErrors,
        string? host, string? protocol, int? clientPort)
    {
        var extracted = found?.Context;
        var hasTrace = extracted is { HasTraceId: true };
        var traceId64 = hasTrace ? extracted!.TraceIdIs64Bit : config.TraceidByteCount == 8;
        var traceId = hasTrace ? extracted!.TraceId : traceId64 ? RequestTrace.NewSpanId() : RequestTrace.NewTraceId();

        // b3 and jaeger share the caller's span (Kong's reuse_span_id); the other formats name the caller's span as parent.
        var shared = found?.Format is TraceFormat.B3 or TraceFormat.Jaeger;
        var spanId = hasTrace && shared && extracted!.SpanId != 0 ? extracted.SpanId : RequestTrace.NewSpanId();
        var parentId = !hasTrace ? 0 : shared ? extracted!.ParentId : extracted!.SpanId;
        return new ZipkinRequest
        {
            TraceId = traceId,
            TraceId64 = traceId64,
            SpanId = spanId,
            ParentId = parentId,
            ProxySpanId = RequestTrace.NewSpanId(),
            Sampled = extracted?.Sampled ?? RequestTrace.SampledByTraceId(traceId, config.SampleRatio),
            Host = host,
            Protocol = protocol,
            ClientPort = clientPort,
            HeaderTags = headers.TryGetValue(config.TagsHeader, out var tags) ? ZipkinTags.Parse(tags, tagErrors) : null,
        };
    }

    /// <summary>What the upstream gets: this trace, the proxy span as the parent of its spans, the caller's extras.</summary>
    public TraceContext Injected(TraceContext? extracted) =>
        TraceContext.Continue(extracted, TraceId, ProxySpanId, SpanId, Sampled, TraceId64);
}
