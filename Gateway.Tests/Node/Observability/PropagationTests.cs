using Gateway.Node.Observability.Tracing.Propagation;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Observability;

/// <summary>
/// Kong 3.9's trace header propagation (kong/observability/tracing/propagation): each format read and written
/// with the values of Kong's spec/01-unit/26-observability propagation specs, extraction order, preserve and header_type.
/// </summary>
public sealed partial class PropagationTests
{
    private const string Trace16 = "0af7651916cd43dd8448eb211c80319c";
    private const string Trace8 = "8448eb211c80319c";
    private const string Trace8Dec = "9532127138774266268";
    private const string Span1 = "b7ad6b7169203331";
    private const string Span1Dec = "13235353014750950193";
    private const string Span2 = "b7ad6b7169203332";

    private static readonly UInt128 TraceId16 = UInt128.Parse(Trace16, System.Globalization.NumberStyles.AllowHexSpecifier);
    private const ulong TraceId8 = 0x8448eb211c80319c;
    private const ulong SpanId1 = 0xb7ad6b7169203331;
    private const ulong SpanId2 = 0xb7ad6b7169203332;

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
            dictionary.Append(name, value);
        return dictionary;
    }

    private static TraceContext? Extract(TraceFormat format, params (string Name, string Value)[] headers) =>
        TracePropagation.Extract(Headers(headers), [format])?.Context;

    private static HeaderDictionary Injected(TraceFormat format, TraceContext context)
    {
        var headers = new HeaderDictionary();
        TracePropagation.Inject(headers, format, context);
        return headers;
    }

    private static Dictionary<string, string> Flat(IHeaderDictionary headers) =>
        headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());

    [Fact]
    public void W3C_Extracts_TraceParent_TheSpanIsTheCallers()
    {
        var context = Extract(TraceFormat.W3C, ("traceparent", $"00-{Trace16}-{Span1}-01"));
        Assert.NotNull(context);
        Assert.Equal(TraceId16, context.TraceId);
        Assert.Equal(SpanId1, context.SpanId);
        Assert.Equal(0UL, context.ParentId);
        Assert.True(context.Sampled);
        Assert.Equal(1, context.Flags);
        Assert.False(context.TraceIdIs64Bit);
    }

    [Theory]
    [InlineData("01", true)]
    [InlineData("09", true)]
    [InlineData("08", false)]
    [InlineData("ef", true)]
    [InlineData("00", false)]
    public void W3C_SampledIsBitZeroOfTheFlags(string flags, bool sampled)
    {
        var context = Extract(TraceFormat.W3C, ("traceparent", $"00-{Trace16}-{Span1}-{flags}"));
        Assert.Equal(sampled, context?.Sampled);
        Assert.Equal(Convert.ToByte(flags, 16), context?.Flags);
    }

    [Theory]
    [InlineData($"vv-{Trace16}-{Span1}-00")]
    [InlineData($"00-vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv-{Span1}-00")]
    [InlineData($"00-{Trace16}-vvvvvvvvvvvvvvvv-00")]
    [InlineData($"00-{Trace16}-{Span1}-vv")]
    [InlineData($"00-123-{Span1}-00")]
    [InlineData($"00-00000000000000000000000000000000-{Span1}-00")]
    [InlineData($"00-1234567890123456789012345678901234567890-{Span1}-00")]
    [InlineData($"00-{Trace16}-123-00")]
    [InlineData($"00-{Trace16}-1234567890123456789012345678901234567890-00")]
    [InlineData($"00-{Trace16}-0000000000000000-00")]
    [InlineData($"01-{Trace16}-{Span1}-00")]
    [InlineData($"00-{Trace16}-{Span1}-000")]
    [InlineData($"00-{Trace16}-{Span1}-0")]
    [InlineData($"00-{Trace16}-{Span1}")]
    [InlineData("")]
    public void W3C_InvalidTraceParent_IsIgnored(string traceparent) =>
        Assert.Null(Extract(TraceFormat.W3C, ("traceparent", traceparent)));

    [Fact]
    public void W3C_Injects_TraceParent_AndPassesTraceStateOn()
    {
        var extracted = Extract(TraceFormat.W3C, ("traceparent", $"00-{Trace16}-{Span1}-00"), ("tracestate", "congo=t61rcWkgMzE"));
        Assert.Equal("congo=t61rcWkgMzE", extracted?.TraceState);

        var headers = Injected(TraceFormat.W3C, extracted! with { SpanId = SpanId2, Sampled = true });
        Assert.Equal($"00-{Trace16}-{Span2}-01", headers["traceparent"]);
        Assert.Equal("congo=t61rcWkgMzE", headers["tracestate"]);
    }

    [Fact]
    public void W3C_PadsA64BitTraceIdWithZerosOnTheLeft()
    {
        var context = new TraceContext(TraceId8, SpanId1, 0, true, TraceIdIs64Bit: true);
        Assert.Equal($"00-{new string('0', 16)}{Trace8}-{Span1}-01", Injected(TraceFormat.W3C, context)["traceparent"]);
    }

    [Fact]
    public void Inject_NeedsATraceAndASpanId_ForFormatsThatCarryBoth()
    {
        var noTrace = new TraceContext(0, SpanId1, 0, false);
        var noSpan = new TraceContext(TraceId16, 0, 0, false);
        foreach (var format in new[] { TraceFormat.W3C, TraceFormat.Jaeger, TraceFormat.Ot, TraceFormat.Aws, TraceFormat.Gcp })
        {
            Assert.Empty(Injected(format, noTrace));
            Assert.Empty(Injected(format, noSpan));
        }
    }

    [Fact]
    public void Inject_ReplacesTheHeader_RatherThanAppending()
    {
        var headers = Headers(("traceparent", $"00-{Trace16}-{Span1}-01"), ("X-B3-Sampled", "1"));
        var context = new TraceContext(TraceId16, SpanId2, 0, false);
        TracePropagation.Inject(headers, TraceFormat.W3C, context);
        TracePropagation.Inject(headers, TraceFormat.B3, context);
        Assert.Equal($"00-{Trace16}-{Span2}-00", Assert.Single(headers["traceparent"]));
        Assert.Equal("0", Assert.Single(headers["x-b3-sampled"]));
    }

    [Theory]
    [InlineData(TraceFormat.W3C, "w3c")]
    [InlineData(TraceFormat.B3, "b3")]
    [InlineData(TraceFormat.B3Single, "b3-single")]
    [InlineData(TraceFormat.Jaeger, "jaeger")]
    [InlineData(TraceFormat.Ot, "ot")]
    [InlineData(TraceFormat.Datadog, "datadog")]
    [InlineData(TraceFormat.Aws, "aws")]
    [InlineData(TraceFormat.Gcp, "gcp")]
    public void FormatNames_AreKongs(TraceFormat format, string name)
    {
        Assert.Equal(name, TracePropagation.FormatName(format));
        Assert.Equal(format, TracePropagation.ParseFormat(name));
    }

    [Theory]
    [InlineData("W3C")]
    [InlineData("preserve")]
    [InlineData("mcp")]
    [InlineData("")]
    public void ParseFormat_UnknownName_IsNull(string name) => Assert.Null(TracePropagation.ParseFormat(name));
}
