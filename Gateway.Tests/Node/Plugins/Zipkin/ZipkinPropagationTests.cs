using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Zipkin;

/// <summary>zipkin's trace headers: what it continues, what the upstream gets, which ids the spans take.</summary>
public sealed class ZipkinPropagationTests : ZipkinNodeTests
{
    [Fact]
    public async Task IncomingB3_ContinuesTheTrace_AndTheRequestSpanIsTheCallers()
    {
        // B3 shares the span between both sides (Kong's reuse_span_id): the request span takes the caller's ids; a
        // 64-bit trace id stays 64-bit.
        await RouteWithZipkinAsync("cont", "{}");
        const string traceId = "463ac35c9f6413ad";
        const string spanId = "a2fb4a1d1a96d312";
        const string parentId = "0020000000000001";

        var (_, upstream) = await GetAsync("/cont", ("b3", $"{traceId}-{spanId}-1-{parentId}"));

        var spans = await Zipkin.TraceAsync(traceId, 3);
        Assert.Equal(spanId, spans["GET"]["id"]!.GetValue<string>());
        Assert.Equal(parentId, spans["GET"]["parentId"]!.GetValue<string>());
        Assert.Equal(spanId, spans["GET (proxy)"]["parentId"]!.GetValue<string>());
        Assert.Matches($"^{traceId}-{spans["GET (proxy)"]["id"]}-1-{spanId}$", upstream["b3"]!.GetValue<string>());
    }

    [Fact]
    public async Task IncomingTraceparent_NamesTheCallersSpanAsParent_AndW3cIsInjected()
    {
        await RouteWithZipkinAsync("w3c", """{"propagation":{"extract":["w3c"],"inject":["w3c"]}}""");
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        const string caller = "b7ad6b7169203331";

        var (_, upstream) = await GetAsync("/w3c", ("traceparent", $"00-{traceId}-{caller}-01"));

        var spans = await Zipkin.TraceAsync(traceId, 3);
        Assert.Equal(caller, spans["GET"]["parentId"]!.GetValue<string>());
        Assert.NotEqual(caller, spans["GET"]["id"]!.GetValue<string>());
        Assert.Equal($"00-{traceId}-{spans["GET (proxy)"]["id"]}-01", upstream["traceparent"]!.GetValue<string>());
        Assert.Null(upstream["x-b3-traceid"]);
    }

    [Fact]
    public async Task EightByteTraceIds_MethodPathNames_AndDurationTags()
    {
        await RouteWithZipkinAsync("short", """{"traceid_byte_count":8,"http_span_name":"method_path","phase_duration_flavor":"tags"}""");

        var (_, upstream) = await GetAsync("/short/x?y=1");

        var traceId = upstream["x-b3-traceid"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{16}$", traceId);
        var spans = await Zipkin.TraceAsync(traceId, 3);
        Assert.Equal(["GET /short/x", "GET /short/x (balancer try 1)", "GET /short/x (proxy)"], spans.Keys.Order(StringComparer.Ordinal));
        Assert.All(spans.Values, s => Assert.False(s.ContainsKey("annotations")));
        Assert.Matches("^[0-9]+$", spans["GET /short/x"]["tags"]!["kong.rewrite.duration_ms"]!.GetValue<string>());
        var proxyTags = spans["GET /short/x (proxy)"]["tags"]!;
        foreach (var phase in (string[])["access", "header_filter", "body_filter"])
        {
            Assert.Matches("^[0-9]+$", proxyTags[$"kong.{phase}.duration_ms"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task NoEndpoint_StillPropagates()
    {
        await RouteWithZipkinAsync("quiet", """{"http_endpoint":null}""");

        var (response, upstream) = await GetAsync("/quiet", ("X-B3-Sampled", "1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", upstream["x-b3-traceid"]!.GetValue<string>());
    }

    [Fact]
    public async Task DefaultHeaderType_IsWhatARequestWithoutTraceHeadersGets()
    {
        await RouteWithZipkinAsync("single", """{"default_header_type":"b3-single"}""");

        var (_, upstream) = await GetAsync("/single");

        Assert.Null(upstream["x-b3-traceid"]);
        var b3 = upstream["b3"]!.GetValue<string>().Split('-');
        var spans = await Zipkin.TraceAsync(b3[0], 3);
        Assert.Equal([spans["GET (proxy)"]["id"]!.GetValue<string>(), "1", spans["GET"]["id"]!.GetValue<string>()], b3[1..]);
    }

    [Fact]
    public async Task HeaderTypeW3c_WritesTheFoundFormatAndW3c()
    {
        // The deprecated header_type: every format is read, the one found is written back, and the named one too.
        await RouteWithZipkinAsync("legacy", """{"header_type":"w3c"}""");
        const string traceId = "80f198ee56343ba864fe8b2a57d3eff7";

        var (_, upstream) = await GetAsync("/legacy", ("X-B3-TraceId", traceId), ("X-B3-SpanId", "e457b5a2e4d86bd1"), ("X-B3-Sampled", "1"));

        var proxy = (await Zipkin.TraceAsync(traceId, 3))["GET (proxy)"]["id"]!.GetValue<string>();
        Assert.Equal(traceId, upstream["x-b3-traceid"]!.GetValue<string>());
        Assert.Equal(proxy, upstream["x-b3-spanid"]!.GetValue<string>());
        Assert.Equal($"00-{traceId}-{proxy}-01", upstream["traceparent"]!.GetValue<string>());
    }

    [Fact]
    public async Task CallersNo_WinsOverSampleRatio_AndTheTraceIdHeaderIsStillSent()
    {
        await RouteWithZipkinAsync("declined", """{"http_response_header_for_traceid":"X-Trace"}""");
        await RouteWithZipkinAsync("marker", "{}");
        const string traceId = "90f198ee56343ba864fe8b2a57d3eff7";

        var (declined, upstream) = await GetAsync("/declined", ("X-B3-TraceId", traceId), ("X-B3-SpanId", "e457b5a2e4d86bd1"), ("X-B3-Sampled", "0"));
        var (_, marker) = await GetAsync("/marker");

        Assert.Equal(traceId, declined.Headers.GetValues("X-Trace").Single());
        Assert.Equal("0", upstream["x-b3-sampled"]!.GetValue<string>());
        await Zipkin.TraceAsync(marker["x-b3-traceid"]!.GetValue<string>(), 3);
        Assert.DoesNotContain(Zipkin.Spans, s => s["traceId"]!.GetValue<string>() == traceId);
    }
}
