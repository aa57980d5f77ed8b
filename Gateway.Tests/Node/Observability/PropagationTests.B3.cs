using Gateway.Node.Observability.Tracing.Propagation;

namespace Gateway.Tests.Node.Observability;

public sealed partial class PropagationTests
{
    [Fact]
    public void B3_Extracts_TheMultiHeaderSet()
    {
        var context = Extract(TraceFormat.B3,
            ("X-B3-TraceId", Trace16), ("X-B3-SpanId", Span1), ("X-B3-ParentSpanId", Span2), ("X-B3-Sampled", "1"));
        Assert.NotNull(context);
        Assert.Equal((TraceId16, SpanId1, SpanId2, true), (context.TraceId, context.SpanId, context.ParentId, context.Sampled));
        Assert.False(context.TraceIdIs64Bit);
        Assert.False(context.Debug);
        Assert.False(context.SingleHeader);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public void B3_Sampled_AcceptsDigitsAndWords(string value, bool sampled) =>
        Assert.Equal(sampled, Extract(TraceFormat.B3, ("x-b3-traceid", Trace16), ("x-b3-spanid", Span1), ("x-b3-sampled", value))?.Sampled);

    [Fact]
    public void B3_FlagsOne_IsDebug_SampledAndWrittenBackAsFlags()
    {
        var context = Extract(TraceFormat.B3, ("x-b3-traceid", Trace16), ("x-b3-spanid", Span1), ("x-b3-parentspanid", Span2), ("x-b3-flags", "1"));
        Assert.True(context?.Sampled);
        Assert.True(context?.Debug);

        var headers = Flat(Injected(TraceFormat.B3, context!));
        Assert.Equal(new Dictionary<string, string>
        {
            ["x-b3-traceid"] = Trace16,
            ["x-b3-spanid"] = Span1,
            ["x-b3-parentspanid"] = Span2,
            ["x-b3-flags"] = "1",
        }, headers);
        Assert.Equal($"{Trace16}-{Span1}-d-{Span2}", Injected(TraceFormat.B3Single, context!)["b3"]);
    }

    [Fact]
    public void B3_SamplingDecisionAlone_IsAContextWithoutIds_WrittenBackAlone()
    {
        var context = Extract(TraceFormat.B3, ("x-b3-sampled", "0"));
        Assert.NotNull(context);
        Assert.False(context.HasTraceId);
        Assert.False(context.Sampled);
        Assert.Equal(new Dictionary<string, string> { ["x-b3-sampled"] = "0" }, Flat(Injected(TraceFormat.B3, context)));
        Assert.Equal(new Dictionary<string, string> { ["b3"] = "0" }, Flat(Injected(TraceFormat.B3Single, context)));
    }

    [Fact]
    public void B3_64BitTraceId_StaysInTheLowHalf_AndIsWrittenBackIn64Bits()
    {
        var context = Extract(TraceFormat.B3, ("x-b3-traceid", Trace8), ("x-b3-spanid", Span1), ("x-b3-parentspanid", Span2), ("x-b3-sampled", "1"));
        Assert.Equal((UInt128)TraceId8, context?.TraceId);
        Assert.True(context?.TraceIdIs64Bit);
        Assert.Equal(Trace8, Injected(TraceFormat.B3, context!)["x-b3-traceid"]);
        Assert.Equal($"{Trace8}-{Span1}-1-{Span2}", Injected(TraceFormat.B3Single, context!)["b3"]);
        Assert.Equal($"00-{new string('0', 16)}{Trace8}-{Span1}-01", Injected(TraceFormat.W3C, context!)["traceparent"]);
    }

    [Fact]
    public void B3_InvalidId_DropsTheIds_ButKeepsTheSamplingDecision()
    {
        var context = Extract(TraceFormat.B3, ("x-b3-traceid", "x"), ("x-b3-spanid", Span1), ("x-b3-parentspanid", Span2), ("x-b3-sampled", "0"));
        Assert.NotNull(context);
        Assert.Equal((UInt128.Zero, 0UL, 0UL, (bool?)false), (context.TraceId, context.SpanId, context.ParentId, context.Sampled));
        Assert.Null(Extract(TraceFormat.B3, ("x-b3-traceid", "x"), ("x-b3-spanid", Span1)));
    }

    [Theory]
    [InlineData("1", true, false)]
    [InlineData("0", false, false)]
    [InlineData("d", true, true)]
    public void B3Single_OneCharacter_IsTheSamplingDecisionAlone(string header, bool sampled, bool debug)
    {
        var context = Extract(TraceFormat.B3, ("b3", header));
        Assert.NotNull(context);
        Assert.False(context.HasTraceId);
        Assert.Equal((sampled, debug, true), (context.Sampled, context.Debug, context.SingleHeader));
        Assert.Equal(header, Injected(TraceFormat.B3Single, context)["b3"]);
    }

    [Theory]
    [InlineData($"{Trace16}-{Span1}-1-{Span2}", SpanId2, true, false)]
    [InlineData($"{Trace16}-{Span1}-0-{Span2}", SpanId2, false, false)]
    [InlineData($"{Trace16}-{Span1}-d-{Span2}", SpanId2, true, true)]
    [InlineData($"{Trace16}-{Span1}-1", 0UL, true, false)]
    [InlineData($"{Trace16}-{Span1}", 0UL, null, false)]
    public void B3Single_Extracts_AndRoundTrips(string header, ulong parent, bool? sampled, bool debug)
    {
        var context = Extract(TraceFormat.B3, ("b3", header));
        Assert.NotNull(context);
        Assert.Equal((TraceId16, SpanId1, parent, sampled, debug), (context.TraceId, context.SpanId, context.ParentId, context.Sampled, context.Debug));
        Assert.Equal(header, Injected(TraceFormat.B3Single, context)["b3"]);
    }

    [Theory]
    [InlineData($"tracestate|b3={Trace16}-{Span1}-d-{Span2}")]
    [InlineData($"tracestate|test", $"tracestate|b3={Trace16}-{Span1}-1-{Span2}", "tracestate|test2")]
    public void B3Single_IsAlsoReadFromTraceState(params string[] lines)
    {
        var context = Extract(TraceFormat.B3, [.. lines.Select(l => (l.Split('|')[0], l.Split('|')[1]))]);
        Assert.NotNull(context);
        Assert.Equal((TraceId16, SpanId1, SpanId2, (bool?)true), (context.TraceId, context.SpanId, context.ParentId, context.Sampled));
        Assert.True(context.SingleHeader);
    }

    [Theory]
    [InlineData($"xxx-{Span1}-1-{Span2}")]
    [InlineData($"1234567890123456789012345678901234567890-{Span1}-1-{Span2}")]
    [InlineData($"123-{Span1}-1-{Span2}")]
    [InlineData("")]
    [InlineData($"{Trace16}-")]
    [InlineData($"{Trace16}-xxx")]
    [InlineData($"{Trace16}-1234567890123456789012345678901234567890-1-{Span2}")]
    [InlineData($"{Trace16}-123-1-{Span2}")]
    [InlineData($"{Trace16}-{Span1}-x")]
    [InlineData($"{Trace16}-{Span1}-d-xxx")]
    [InlineData($"{Trace16}-{Span1}-d-123")]
    public void B3Single_Invalid_IsIgnored(string header) => Assert.Null(Extract(TraceFormat.B3, ("b3", header)));

    [Fact]
    public void B3Single_TakesPrecedenceOverTheMultiHeaderSet()
    {
        var context = Extract(TraceFormat.B3, ("b3", $"{Trace16}-{Span1}-0"), ("x-b3-traceid", Trace8), ("x-b3-spanid", Span2), ("x-b3-sampled", "1"));
        Assert.NotNull(context);
        Assert.Equal((TraceId16, SpanId1, (bool?)false), (context.TraceId, context.SpanId, context.Sampled));
    }

    [Fact]
    public void B3_Injects_TheMultiHeaderSet_WithA128BitTraceIdByDefault()
    {
        var context = new TraceContext(TraceId16, SpanId1, SpanId2, true);
        Assert.Equal(new Dictionary<string, string>
        {
            ["x-b3-traceid"] = Trace16,
            ["x-b3-spanid"] = Span1,
            ["x-b3-parentspanid"] = Span2,
            ["x-b3-sampled"] = "1",
        }, Flat(Injected(TraceFormat.B3, context)));
        Assert.Equal($"{Trace16}-{Span1}-1-{Span2}", Injected(TraceFormat.B3Single, context)["b3"]);
    }

    [Fact]
    public void B3_W3CFlags_AreNotReadAsB3Debug()
    {
        var context = Extract(TraceFormat.W3C, ("traceparent", $"00-{Trace16}-{Span1}-01"))!;
        Assert.Equal("1", Injected(TraceFormat.B3, context)["x-b3-sampled"]);
        Assert.Equal($"{Trace16}-{Span1}-1", Injected(TraceFormat.B3Single, context)["b3"]);
    }
}
