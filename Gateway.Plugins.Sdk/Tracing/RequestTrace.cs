using System.Diagnostics;

namespace Gateway.Plugins.Sdk.Tracing;

/// <summary>
/// The spans one request makes (Kong's <c>ngx.ctx.KONG_SPANS</c>), made only when <c>tracing_instrumentations</c>
/// is not off and a tracing plugin is configured. The first span is the root, <c>kong</c>. The trace id starts
/// random; a tracing plugin replaces it with the incoming headers' and decides <see cref="Sampled"/> in its access
/// phase. The spans are read in the log phase, after the root ended.
/// </summary>
public sealed class RequestTrace
{
    private readonly List<TraceSpan> _spans = new(8);
    private readonly long _epochUnixNano;
    private readonly long _epochTimestamp;
    private bool _balancerIdTaken;

    /// <summary>Starts a trace whose root began at <paramref name="startedTimestamp"/> (a Stopwatch timestamp).</summary>
    /// <param name="instrumentations">What to make spans of.</param>
    /// <param name="samplingRate">kong.conf's <c>tracing_sampling_rate</c>, used when no plugin sets its own.</param>
    /// <param name="startedTimestamp">When the request arrived.</param>
    public RequestTrace(TracingInstrumentations instrumentations, double samplingRate, long startedTimestamp)
    {
        Instrumentations = instrumentations;
        SamplingRate = samplingRate;
        _epochTimestamp = Stopwatch.GetTimestamp();
        _epochUnixNano = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        TraceId = NewTraceId();
        BalancerSpanId = NewSpanId();
        var root = new TraceSpan(this, "kong", TraceSpanKind.Server, NewSpanId(), 0, UnixNanoAt(startedTimestamp));
        _spans.Add(root);
    }

    /// <summary>What this node makes spans of.</summary>
    public TracingInstrumentations Instrumentations { get; }

    /// <summary>kong.conf's <c>tracing_sampling_rate</c>.</summary>
    public double SamplingRate { get; }

    /// <summary>The trace id: random, or the incoming headers' once a tracing plugin read them.</summary>
    public UInt128 TraceId { get; set; }

    /// <summary>Whether the trace is exported; null until a tracing plugin decided.</summary>
    public bool? Sampled { get; set; }

    /// <summary>W3C trace flags to pass on.</summary>
    public byte Flags { get; set; }

    /// <summary>W3C tracestate to pass on, if the request carried one.</summary>
    public string? TraceState { get; set; }

    /// <summary>The id the first <c>kong.balancer</c> span takes: propagation injects it before the span exists, so the upstream's spans hang under it.</summary>
    public ulong BalancerSpanId { get; }

    /// <summary>The root span, <c>kong</c>.</summary>
    public TraceSpan Root => _spans[0];

    /// <summary>Every span, the root first.</summary>
    public IReadOnlyList<TraceSpan> Spans => _spans;

    /// <summary>Starts a span of <paramref name="instrumentation"/>'s kind under <paramref name="parent"/> (the root when null); null when that instrumentation is off.</summary>
    public TraceSpan? Start(TracingInstrumentations instrumentation, string name, TraceSpanKind kind = TraceSpanKind.Internal, TraceSpan? parent = null)
    {
        if ((Instrumentations & instrumentation) == 0)
        {
            return null;
        }

        var isFirstBalancer = instrumentation == TracingInstrumentations.Balancer && !_balancerIdTaken;
        _balancerIdTaken |= isFirstBalancer;
        var span = new TraceSpan(this, name, kind, isFirstBalancer ? BalancerSpanId : NewSpanId(), (parent ?? Root).SpanId, NowUnixNano());
        _spans.Add(span);
        return span;
    }

    /// <summary>
    /// Kong's sampling decision (kong/pdk/tracing.lua get_sampling_decision): a plugin's own rate decides on the
    /// trace id alone; without one the caller's decision is followed when the headers carried one; else the node's rate.
    /// </summary>
    /// <param name="parentSampled">The incoming headers' decision, if any.</param>
    /// <param name="pluginRate">The plugin's <c>sampling_rate</c>, if set.</param>
    public bool Decide(bool? parentSampled, double? pluginRate)
    {
        var sampled = pluginRate is { } rate ? SampledByTraceId(TraceId, rate) : parentSampled ?? SampledByTraceId(TraceId, SamplingRate);
        Sampled = sampled;
        return sampled;
    }

    /// <summary>Now, in nanoseconds since the Unix epoch, on the trace's monotonic clock.</summary>
    public long NowUnixNano() => UnixNanoAt(Stopwatch.GetTimestamp());

    /// <summary>A Stopwatch timestamp in nanoseconds since the Unix epoch.</summary>
    public long UnixNanoAt(long timestamp) => _epochUnixNano + (long)((timestamp - _epochTimestamp) * (1_000_000_000.0 / Stopwatch.Frequency));

    /// <summary>A random non-zero 128-bit trace id.</summary>
    public static UInt128 NewTraceId()
    {
        UInt128 id;
        do
        {
            id = new UInt128((ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue), (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue));
        }
        while (id == 0);
        return id;
    }

    /// <summary>A random non-zero 64-bit span id.</summary>
    public static ulong NewSpanId()
    {
        ulong id;
        do
        {
            id = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        }
        while (id == 0);
        return id;
    }

    /// <summary>OTel's trace-id-ratio sampler, the same decision on every node: the trace id's low 64 bits below <paramref name="rate"/> of their range.</summary>
    public static bool SampledByTraceId(UInt128 traceId, double rate) =>
        rate >= 1 || (rate > 0 && (ulong)traceId < (ulong)(rate * ulong.MaxValue));
}
