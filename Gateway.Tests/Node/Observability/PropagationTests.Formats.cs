using Gateway.Node.Observability.Tracing.Propagation;

namespace Gateway.Tests.Node.Observability;

public sealed partial class PropagationTests
{
    [Fact]
    public void Jaeger_Extracts_WithBaggage_AndWritesItBack()
    {
        var context = Extract(TraceFormat.Jaeger, ("uber-trace-id", $"{Trace16}:{Span1}:{Span2}:01"), ("uberctx-foo", "bar"));
        Assert.NotNull(context);
        Assert.Equal((TraceId16, SpanId1, SpanId2, (bool?)true), (context.TraceId, context.SpanId, context.ParentId, context.Sampled));
        Assert.Equal(new Dictionary<string, string> { ["foo"] = "bar" }, context.Baggage);
        Assert.Equal(new Dictionary<string, string>
        {
            ["uber-trace-id"] = $"{Trace16}:{Span1}:{Span2}:01",
            ["uberctx-foo"] = "bar",
        }, Flat(Injected(TraceFormat.Jaeger, context)));
    }

    [Theory]
    [InlineData($"{Trace16}:{Span1}:{Span2}:00", Trace16, SpanId1, SpanId2, false)]
    [InlineData($"{Trace16}:{Span1}:0:01", Trace16, SpanId1, 0UL, true)]
    [InlineData($"{Trace16}:123:{Span2}:01", Trace16, 0x123UL, SpanId2, true)]
    [InlineData($"1234:{Span1}:{Span2}:1", "00000000000000000000000000001234", SpanId1, SpanId2, true)]
    public void Jaeger_Extracts_ZeroPaddingShortIds(string header, string trace, ulong span, ulong parent, bool sampled)
    {
        var context = Extract(TraceFormat.Jaeger, ("uber-trace-id", header));
        Assert.NotNull(context);
        Assert.Equal(trace, context.TraceId.ToString("x32"));
        Assert.Equal((span, parent, (bool?)sampled), (context.SpanId, context.ParentId, context.Sampled));
    }

    [Fact]
    public void Jaeger_64BitTraceId_IsWrittenBackIn64Bits_AndParentZeroAsZero()
    {
        var context = Extract(TraceFormat.Jaeger, ("uber-trace-id", $"{Trace8}:{Span1}:0:00"));
        Assert.True(context?.TraceIdIs64Bit);
        Assert.Equal($"{Trace8}:{Span1}:0:00", Injected(TraceFormat.Jaeger, context!)["uber-trace-id"]);
    }

    [Theory]
    [InlineData($"vv:{Span1}:{Span2}:00")]
    [InlineData($"{Trace8}:vv:{Span2}:00")]
    [InlineData($"{Trace8}:{Span1}:vv:00")]
    [InlineData($"{Trace8}:{Span1}:{Span2}:vv")]
    [InlineData($"1234567890123456789012345678901234567890:{Span1}:{Span2}:00")]
    [InlineData($"00000000000000000000000000000000:{Span1}:{Span2}:00")]
    [InlineData($"{Trace16}:1234567890123456789012345678901234567890:{Span1}:00")]
    [InlineData($"{Trace16}:00000000000000000000000000000000:{Span1}:00")]
    [InlineData($"{Trace16}:{Span1}:{Span2}:123")]
    [InlineData($"{Trace16}:{Span1}:{Span2}")]
    public void Jaeger_Invalid_IsIgnored(string header) => Assert.Null(Extract(TraceFormat.Jaeger, ("uber-trace-id", header)));

    [Fact]
    public void Baggage_IsUriUnescapedOnTheWayIn_AndEscapedOnTheWayOut()
    {
        var context = Extract(TraceFormat.Ot, ("ot-tracer-traceid", Trace16), ("ot-tracer-spanid", Span1), ("OT-Baggage-Team", "a%20b+c%2Fd"), ("otttttbaggage-foo", "bar"));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "a b c/d" }, context?.Baggage);
        Assert.Equal("a%20b%20c%2Fd", Injected(TraceFormat.Ot, context!)["ot-baggage-team"]);
        Assert.Equal("a%20b%20c%2Fd", Injected(TraceFormat.Jaeger, context!)["uberctx-team"]);
    }

    [Fact]
    public void Ot_Extracts_WithBaggage_AndWritesItBack()
    {
        var context = Extract(TraceFormat.Ot, ("ot-tracer-traceid", Trace16), ("ot-tracer-spanid", Span1), ("ot-tracer-sampled", "1"), ("ot-baggage-foo", "bar"));
        Assert.NotNull(context);
        Assert.Equal((TraceId16, SpanId1, (bool?)true), (context.TraceId, context.SpanId, context.Sampled));
        Assert.Equal(new Dictionary<string, string>
        {
            ["ot-tracer-traceid"] = Trace16,
            ["ot-tracer-spanid"] = Span1,
            ["ot-tracer-sampled"] = "1",
            ["ot-baggage-foo"] = "bar",
        }, Flat(Injected(TraceFormat.Ot, context)));
    }

    [Fact]
    public void Ot_64BitTraceId_AndNoSamplingDecision_AreWrittenBackAsTheyCame()
    {
        var context = Extract(TraceFormat.Ot, ("ot-tracer-traceid", Trace8), ("ot-tracer-spanid", Span1));
        Assert.Null(context?.Sampled);
        Assert.Equal(new Dictionary<string, string> { ["ot-tracer-traceid"] = Trace8, ["ot-tracer-spanid"] = Span1 }, Flat(Injected(TraceFormat.Ot, context!)));
    }

    [Theory]
    [InlineData("xx", Span1)]
    [InlineData(Trace16, "123")]
    public void Ot_InvalidId_IsIgnored(string trace, string span) =>
        Assert.Null(Extract(TraceFormat.Ot, ("ot-tracer-traceid", trace), ("ot-tracer-spanid", span)));

    [Fact]
    public void Datadog_Extracts_DecimalIds_In64Bits_AndWritesThemBack()
    {
        var context = Extract(TraceFormat.Datadog, ("x-datadog-trace-id", Trace8Dec), ("x-datadog-parent-id", Span1Dec), ("x-datadog-sampling-priority", "1"));
        Assert.NotNull(context);
        Assert.Equal(((UInt128)TraceId8, SpanId1, (bool?)true, true), (context.TraceId, context.SpanId, context.Sampled, context.TraceIdIs64Bit));
        Assert.Equal(new Dictionary<string, string>
        {
            ["x-datadog-trace-id"] = Trace8Dec,
            ["x-datadog-parent-id"] = Span1Dec,
            ["x-datadog-sampling-priority"] = "1",
        }, Flat(Injected(TraceFormat.Datadog, context)));
    }

    [Theory]
    [InlineData("2", true)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("-1", false)]
    public void Datadog_SamplingPriority(string priority, bool sampled) =>
        Assert.Equal(sampled, Extract(TraceFormat.Datadog, ("x-datadog-trace-id", Trace8Dec), ("x-datadog-sampling-priority", priority))?.Sampled);

    [Theory]
    [InlineData("3")]
    [InlineData("yes")]
    public void Datadog_UnknownSamplingPriority_VoidsTheContext(string priority) =>
        Assert.Null(Extract(TraceFormat.Datadog, ("x-datadog-trace-id", Trace8Dec), ("x-datadog-sampling-priority", priority)));

    [Theory]
    [InlineData(null, Span1Dec)]
    [InlineData(Trace16, Span1Dec)]
    [InlineData("", Span1Dec)]
    public void Datadog_MissingOrInvalidTraceId_LeavesTheSamplingDecisionAlone(string? trace, string parent)
    {
        var headers = new List<(string, string)> { ("x-datadog-parent-id", parent), ("x-datadog-sampling-priority", "1") };
        if (trace is not null)
            headers.Add(("x-datadog-trace-id", trace));
        var context = Extract(TraceFormat.Datadog, [.. headers]);
        Assert.NotNull(context);
        Assert.Equal((UInt128.Zero, 0UL, (bool?)true), (context.TraceId, context.SpanId, context.Sampled));
    }

    [Fact]
    public void Datadog_Writes_TheLow64BitsOfA128BitTraceId()
    {
        var headers = Injected(TraceFormat.Datadog, new TraceContext(TraceId16, SpanId1, 0, true));
        Assert.Equal(Trace8Dec, headers["x-datadog-trace-id"]);
        Assert.Equal(Span1Dec, headers["x-datadog-parent-id"]);
    }

    [Fact]
    public void Datadog_A128BitDecimalTraceId_IsKept()
    {
        var big = System.Numerics.BigInteger.Parse("0fffffffffffffffffffffffffffffff1", System.Globalization.NumberStyles.AllowHexSpecifier).ToString();
        var context = Extract(TraceFormat.Datadog, ("x-datadog-trace-id", big), ("x-datadog-parent-id", Span1Dec));
        Assert.Equal("fffffffffffffffffffffffffffffff1", context?.TraceId.ToString("x32"));
        Assert.False(context?.TraceIdIs64Bit);
    }
}
