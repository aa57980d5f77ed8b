using Gateway.Node.Observability.Tracing.Propagation;

namespace Gateway.Tests.Node.Observability;

public sealed partial class PropagationTests
{
    private const string AwsBase = "Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=b7ad6b7169203331;Sampled=1";

    [Theory]
    [InlineData(AwsBase)]
    [InlineData("  Root =   1-0af76519-16cd43dd8448eb211c80319c  ;  Parent= b7ad6b7169203331;  Sampled   =1")]
    [InlineData("Parent=b7ad6b7169203331;Root=1-0af76519-16cd43dd8448eb211c80319c;Sampled=1")]
    [InlineData("Foo=bar;Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=b7ad6b7169203331;Sampled=1")]
    public void Aws_Extracts_InAnyOrder_WithSpaces_AndOtherKeys(string header)
    {
        var context = Extract(TraceFormat.Aws, ("X-Amzn-Trace-Id", header));
        Assert.NotNull(context);
        Assert.Equal((TraceId16, SpanId1, (bool?)true), (context.TraceId, context.SpanId, context.Sampled));
        Assert.Equal(AwsBase, Injected(TraceFormat.Aws, context)["x-amzn-trace-id"]);
    }

    [Theory]
    [InlineData("Root=0-8448eb21-1c80319c;Parent=b7ad6b7169203331;Sampled=0")]
    [InlineData("Root=1-vv-1c80319c;Parent=b7ad6b7169203331;Sampled=0")]
    [InlineData("Root=1-8448eb21-vv;Parent=b7ad6b7169203331;Sampled=0")]
    [InlineData("Root=1-8448eb21-1c80319c;Parent=b7ad6b7169203331;Sampled=0")]
    [InlineData("Root=1-12345678-90123456789012345678901234567890;Parent=b7ad6b7169203331;Sampled=0")]
    [InlineData("Root=;Parent=b7ad6b7169203331;Sampled=0")]
    [InlineData("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=vv;Sampled=0")]
    [InlineData("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=123;Sampled=0")]
    [InlineData("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=;Sampled=0")]
    [InlineData("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=b7ad6b7169203331;Sampled=2")]
    [InlineData("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=b7ad6b7169203331;Sampled=")]
    [InlineData("Foo=bar")]
    public void Aws_Invalid_IsIgnored(string header) => Assert.Null(Extract(TraceFormat.Aws, ("x-amzn-trace-id", header)));

    [Fact]
    public void Aws_PadsA64BitTraceId_AndWritesNotSampledAsZero()
    {
        var context = new TraceContext(TraceId8, SpanId1, 0, null, TraceIdIs64Bit: true);
        Assert.Equal($"Root=1-00000000-00000000{Trace8};Parent={Span1};Sampled=0", Injected(TraceFormat.Aws, context)["x-amzn-trace-id"]);
    }

    [Theory]
    [InlineData($"{Trace16}/{Span1Dec};o=1", true)]
    [InlineData($"{Trace16}/{Span1Dec};o=0", false)]
    [InlineData($"{Trace16}/{Span1Dec}", false)]
    public void Gcp_Extracts_TheDecimalSpanId_AndO1AsSampled(string header, bool sampled)
    {
        var context = Extract(TraceFormat.Gcp, ("X-Cloud-Trace-Context", header));
        Assert.NotNull(context);
        Assert.Equal((TraceId16, SpanId1, (bool?)sampled), (context.TraceId, context.SpanId, context.Sampled));
        Assert.Equal($"{Trace16}/{Span1Dec};o={(sampled ? 1 : 0)}", Injected(TraceFormat.Gcp, context)["x-cloud-trace-context"]);
    }

    [Theory]
    [InlineData($"123/{Span1Dec};o=0")]
    [InlineData($"1234567890123456789012345678901234567890/{Span1Dec};o=0")]
    [InlineData($"vvv/{Span1Dec};o=0")]
    [InlineData($"{Trace16}/;o=0")]
    [InlineData($"{Trace16}/{Span1};o=0")]
    [InlineData($"{Trace16}/{Span1Dec}0;o=0")]
    [InlineData($"{Trace16}/{Span1Dec};o=01")]
    [InlineData($"{Trace16}/{Span1Dec};o=")]
    [InlineData($"{Trace16}/{Span1Dec};o=v")]
    public void Gcp_Invalid_IsIgnored(string header) => Assert.Null(Extract(TraceFormat.Gcp, ("x-cloud-trace-context", header)));

    [Fact]
    public void Gcp_PadsA64BitTraceId()
    {
        var context = new TraceContext(TraceId8, SpanId1, 0, true, TraceIdIs64Bit: true);
        Assert.Equal($"{new string('0', 16)}{Trace8}/{Span1Dec};o=1", Injected(TraceFormat.Gcp, context)["x-cloud-trace-context"]);
    }
}
