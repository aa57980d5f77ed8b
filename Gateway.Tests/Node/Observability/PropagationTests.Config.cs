using Gateway.Node.Observability.Tracing.Propagation;

namespace Gateway.Tests.Node.Observability;

public sealed partial class PropagationTests
{
    private static readonly TraceFormat[] LegacyOrder =
        [TraceFormat.B3, TraceFormat.W3C, TraceFormat.Jaeger, TraceFormat.Ot, TraceFormat.Datadog, TraceFormat.Aws, TraceFormat.Gcp];

    // Kong's 03-propagation_module_spec request_headers_1: w3c, b3 and jaeger at once.
    private static (string, string)[] ThreeFormats() =>
    [
        ("traceparent", $"00-{Trace16}-{Span1}-01"),
        ("x-b3-traceid", "dc9d1b0ccedf0ecaf4f26ffab84d4f5e"), ("x-b3-spanid", Span2), ("x-b3-sampled", "1"), ("x-b3-parentspanid", "f4f26ffab84d4f5f"),
        ("uber-trace-id", "f744b23fe9aa64f08255043ba51848db:f4f26ffab84d4f60:f4f26ffab84d4f61:01"),
    ];

    [Theory]
    [InlineData(TraceFormat.B3, "dc9d1b0ccedf0ecaf4f26ffab84d4f5e", TraceFormat.B3, TraceFormat.W3C, TraceFormat.Jaeger)]
    [InlineData(TraceFormat.W3C, Trace16, TraceFormat.W3C, TraceFormat.B3, TraceFormat.Jaeger)]
    [InlineData(TraceFormat.Jaeger, "f744b23fe9aa64f08255043ba51848db", TraceFormat.Datadog, TraceFormat.Jaeger, TraceFormat.B3)]
    public void Extract_TheFirstFormatFoundWins(TraceFormat found, string trace, params TraceFormat[] order)
    {
        var result = TracePropagation.Extract(Headers(ThreeFormats()), order);
        Assert.NotNull(result);
        Assert.Equal(found, result.Value.Format);
        Assert.Equal(trace, result.Value.Context.TraceId.ToString("x32"));
    }

    [Fact]
    public void Extract_AnInvalidFormat_FallsThroughToTheNext_AndNoneFoundIsNull()
    {
        var headers = Headers(("traceparent", "00-bogus-00"), ("x-b3-traceid", Trace16), ("x-b3-spanid", Span1));
        Assert.Equal(TraceFormat.B3, TracePropagation.Extract(headers, [TraceFormat.W3C, TraceFormat.B3])?.Format);
        Assert.Null(TracePropagation.Extract(Headers(), Enum.GetValues<TraceFormat>()));
        Assert.Null(TracePropagation.Extract(Headers(ThreeFormats()), []));
    }

    [Fact]
    public void Extract_ATraceStateWithoutB3_DoesNotStopAtB3()
    {
        var headers = Headers(("traceparent", $"00-{Trace16}-{Span1}-01"), ("tracestate", "congo=t61rcWkgMzE"));
        Assert.Equal(TraceFormat.W3C, TracePropagation.Extract(headers, LegacyOrder)?.Format);
    }

    [Fact]
    public void Compile_HeaderTypePreserve_WithThePropagationRecordAtItsDefaults_IsKongsOldBehaviour()
    {
        var config = TracePropagation.Compile([], [], [], "w3c", "preserve");
        Assert.Equal(LegacyOrder, config.Extract);
        Assert.Empty(config.Inject);
        Assert.True(config.InjectPreserve);
        Assert.Equal(TraceFormat.W3C, config.DefaultFormat);
    }

    [Fact]
    public void Compile_HeaderTypeIgnore_ReadsNothing_AndWritesTheDefaultFormat()
    {
        var config = TracePropagation.Compile([], [], [], "datadog", "ignore");
        Assert.Empty(config.Extract);
        Assert.Equal([TraceFormat.Datadog], config.Inject);
        Assert.False(config.InjectPreserve);
    }

    [Theory]
    [InlineData("b3-single", TraceFormat.B3Single)]
    [InlineData("jaeger", TraceFormat.Jaeger)]
    [InlineData("aws", TraceFormat.Aws)]
    public void Compile_HeaderTypeFormat_PreservesTheIncomingFormat_AndAddsThatOne(string headerType, TraceFormat format)
    {
        var config = TracePropagation.Compile([], [], [], "w3c", headerType);
        Assert.Equal(LegacyOrder, config.Extract);
        Assert.Equal([format], config.Inject);
        Assert.True(config.InjectPreserve);
    }

    [Fact]
    public void Compile_AConfiguredPropagationRecord_WinsOverHeaderType()
    {
        var config = TracePropagation.Compile(["w3c", "datadog"], ["traceparent"], ["preserve", "b3-single"], "ot", "jaeger");
        Assert.Equal([TraceFormat.W3C, TraceFormat.Datadog], config.Extract);
        Assert.Equal(["traceparent"], config.Clear);
        Assert.Equal([TraceFormat.B3Single], config.Inject);
        Assert.True(config.InjectPreserve);
        Assert.Equal(TraceFormat.Ot, config.DefaultFormat);

        var none = TracePropagation.Compile([], [], [], "w3c", null);
        Assert.Empty(none.Extract);
        Assert.Empty(none.Inject);
        Assert.False(none.InjectPreserve);
    }

    [Theory]
    [InlineData(new[] { "b3-single" }, new string[0], "w3c", null)]
    [InlineData(new[] { "zipkin" }, new string[0], "w3c", null)]
    [InlineData(new string[0], new[] { "nope" }, "w3c", null)]
    [InlineData(new string[0], new string[0], "preserve", null)]
    [InlineData(new string[0], new string[0], "w3c", "nope")]
    public void Compile_UnknownOrMisplacedFormat_Throws(string[] extract, string[] inject, string defaultFormat, string? headerType) =>
        Assert.Throws<ArgumentException>(() => TracePropagation.Compile(extract, [], inject, defaultFormat, headerType));

    [Fact]
    public void Preserve_WritesTheExtractedFormat_B3SingleWhenItCameSo_ElseTheDefault()
    {
        var config = TracePropagation.Compile([], [], [], "datadog", "preserve");
        var single = TracePropagation.Extract(Headers(("b3", $"{Trace16}-{Span1}-1")), config.Extract)!.Value;
        Assert.Equal([TraceFormat.B3Single], TracePropagation.InjectFormats(config, single.Format, single.Context));
        var multi = TracePropagation.Extract(Headers(("x-b3-traceid", Trace16), ("x-b3-spanid", Span1)), config.Extract)!.Value;
        Assert.Equal([TraceFormat.B3], TracePropagation.InjectFormats(config, multi.Format, multi.Context));
        Assert.Equal([TraceFormat.Datadog], TracePropagation.InjectFormats(config, null, new TraceContext(TraceId16, SpanId1, 0, true)));
    }

    [Fact]
    public void ClearAndInject_RemovesTheClearedHeaders_AndWritesThePreservedFormat()
    {
        // Kong's "clear = b3 and w3c": jaeger is found first and written back, the cleared headers are gone.
        var config = TracePropagation.Compile(["datadog", "jaeger", "b3", "w3c"],
            ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-parentspanid", "traceparent"], ["preserve"], "w3c", "preserve");
        var headers = Headers(ThreeFormats());
        var (context, format) = TracePropagation.Extract(headers, config.Extract)!.Value;
        TracePropagation.ClearAndInject(headers, config, format, context with { SpanId = 0xf4f26ffab84d4f70 });
        Assert.Equal(new Dictionary<string, string>
        {
            ["uber-trace-id"] = "f744b23fe9aa64f08255043ba51848db:f4f26ffab84d4f70:f4f26ffab84d4f61:01",
        }, Flat(headers));
    }
}
