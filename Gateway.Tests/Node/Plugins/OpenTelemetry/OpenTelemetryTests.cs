using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Gateway.Tests.Node.Plugins.OpenTelemetry;

/// <summary>
/// The opentelemetry plugin against a real backend and a loopback OTLP/HTTP collector (Kong's
/// spec/03-plugins/37-opentelemetry): Kong's spans, names and attributes under the caller's trace, propagation in and
/// out, sampling, a retry's two tries, and the node's log records on logs_endpoint with the request's trace id.
/// </summary>
public sealed class OpenTelemetryTests : IAsyncLifetime
{
    private const string CallerTrace = "0af7651916cd43dd8448eb211c80319c";
    private const string CallerSpan = "b7ad6b7169203331";

    private Backend _backend = null!;
    private OtlpReceiver _receiver = null!;
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _receiver = await OtlpReceiver.StartAsync();
        _node = await TestNode.StartAsync("--tracing_instrumentations", "all", "--tracing_sampling_rate", "0");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _receiver.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task ARequest_IsKongsSpans_UnderTheCallersTrace_AndTheUpstreamSeesTheTryAsParent()
    {
        var route = await _node.RouteAsync($$$"""{"name":"traced","host":"localhost","port":{{{_backend.Port}}}}""", """{"paths":["/traced"]}""");
        await _node.CreateAsync("/plugins", $$$"""{"name":"key-auth","route":{"id":"{{{route}}}"}}""");
        var consumer = await _node.CreateAsync("/consumers", """{"username":"tracer"}""");
        await _node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"k1"}""");
        await PluginAsync(route, $$$"""{"traces_endpoint":"{{{_receiver.TracesUrl}}}","sampling_rate":1,"http_response_header_for_traceid":"X-Trace-Id","resource_attributes":{"deployment":"test"},"queue":{"max_coalescing_delay":0.1}}""");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/traced/x?q=1");
        request.Headers.Add("apikey", "k1");
        request.Headers.Add("traceparent", $"00-{CallerTrace}-{CallerSpan}-01");
        using var response = await _node.Proxy.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CallerTrace, response.Headers.GetValues("X-Trace-Id").Single());
        var upstream = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["headers"]!;

        var export = await _receiver.NextTracesAsync();
        Assert.Equal("application/x-protobuf", export.ContentType);
        var resource = export.Request.ResourceSpans.Single().Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.StringValue);
        Assert.Equal("kong", resource["service.name"]);
        Assert.Equal("test", resource["deployment"]);
        Assert.Matches("^[0-9a-f-]{36}$", resource["service.instance.id"]);
        var spans = export.Request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).ToList();
        spans = spans.Count >= 9 ? spans : [.. spans, .. await _receiver.SpansAsync(more => spans.Count + more.Count >= 9)];

        var root = spans.Single(s => s.Name == "kong");
        Assert.Equal(Span.Types.SpanKind.Server, root.Kind);
        Assert.Equal(CallerSpan, Hex(root.ParentSpanId));
        Assert.Equal("GET", Attribute(root, "http.method").StringValue);
        Assert.Equal(200, Attribute(root, "http.status_code").IntValue);
        Assert.Equal("/traced", Attribute(root, "http.route").StringValue);
        Assert.Equal($"http://127.0.0.1:{_node.ProxyPort}/traced/x?q=1", Attribute(root, "http.url").StringValue);
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), Attribute(root, "kong.request.id").StringValue);
        Assert.All(spans, s => Assert.Equal(CallerTrace, Hex(s.TraceId)));
        Assert.All(spans.Where(s => s != root), s => Assert.Equal(Hex(root.SpanId), Hex(s.ParentSpanId)));
        Assert.All(spans, s => Assert.True(s.EndTimeUnixNano >= s.StartTimeUnixNano && s.StartTimeUnixNano >= root.StartTimeUnixNano, s.Name));

        Assert.Contains(spans, s => s.Name == "kong.router");
        Assert.Contains(spans, s => s.Name == "kong.access.plugin.key-auth");
        Assert.Contains(spans, s => s.Name == "kong.access.plugin.opentelemetry");
        Assert.Contains(spans, s => s.Name == "kong.header_filter.plugin.opentelemetry");
        var query = spans.First(s => s.Name == "kong.database.query");
        Assert.Equal("sqlite", Attribute(query, "db.system").StringValue);
        Assert.Contains("keyauth_credentials", Attribute(query, "db.statement").StringValue, StringComparison.Ordinal);
        var dns = spans.Single(s => s.Name == "kong.dns");
        Assert.Equal(Span.Types.SpanKind.Client, dns.Kind);
        Assert.Equal("localhost", Attribute(dns, "dns.record.domain").StringValue);
        var balancer = spans.Single(s => s.Name == "kong.balancer");
        Assert.Equal(Span.Types.SpanKind.Client, balancer.Kind);
        Assert.Equal(1, Attribute(balancer, "try_count").IntValue);
        Assert.Equal(_backend.Port, Attribute(balancer, "net.peer.port").IntValue);
        Assert.Equal("localhost", Attribute(balancer, "net.peer.name").StringValue);

        // The upstream continues the caller's trace under the try that reached it.
        Assert.Equal($"00-{CallerTrace}-{Hex(balancer.SpanId)}-01", upstream["traceparent"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARetriedRequest_IsTwoBalancerSpans_AndItsErrorLine_CarriesTheTraceId()
    {
        var route = await _node.RouteAsync($$$"""{"name":"down","host":"127.0.0.1","port":{{{FreePorts.Next()}}},"retries":1}""", """{"paths":["/down"]}""");
        await PluginAsync(route, $$$"""{"traces_endpoint":"{{{_receiver.TracesUrl}}}","logs_endpoint":"{{{_receiver.LogsUrl}}}","sampling_rate":1,"queue":{"max_coalescing_delay":0.1}}""");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/down");
        request.Headers.Add("traceparent", $"00-{CallerTrace}-{CallerSpan}-01");
        using var response = await _node.Proxy.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);

        var spans = await _receiver.SpansAsync(s => s.Any(x => x.Name == "kong"));
        var tries = spans.Where(s => s.Name == "kong.balancer").OrderBy(s => Attribute(s, "try_count").IntValue).ToList();
        Assert.Equal([1L, 2L], tries.Select(s => Attribute(s, "try_count").IntValue));
        Assert.All(tries, t =>
        {
            Assert.Equal(Status.Types.StatusCode.Error, t.Status.Code);
            Assert.Equal(502, Attribute(t, "http.status_code").IntValue);
        });
        Assert.True(tries[1].StartTimeUnixNano >= tries[0].EndTimeUnixNano);
        Assert.Equal(502, Attribute(spans.Single(s => s.Name == "kong"), "http.status_code").IntValue);

        var (record, logs) = await _receiver.LogAsync(r => r.Body.StringValue.Contains("upstream try failed", StringComparison.Ordinal));
        Assert.Equal(CallerTrace, Hex(record.TraceId));
        Assert.Equal(SeverityNumber.Error, record.SeverityNumber);
        Assert.Equal("kong", logs.ResourceLogs.Single().Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue);
    }

    [Fact]
    public async Task SamplingRateZero_SendsNothing_AndTellsTheUpstreamNotSampled_WhileTheCallersDecisionIsFollowedWithoutOne()
    {
        var unsampled = await _node.RouteAsync($$$"""{"name":"unsampled","host":"127.0.0.1","port":{{{_backend.Port}}}}""", """{"paths":["/unsampled"]}""");
        await PluginAsync(unsampled, $$$"""{"traces_endpoint":"{{{_receiver.TracesUrl}}}","sampling_rate":0,"queue":{"max_coalescing_delay":0.1}}""");
        var upstream = await EchoedHeadersAsync("/unsampled", ("traceparent", $"00-{CallerTrace}-{CallerSpan}-01"));
        Assert.Matches($"^00-{CallerTrace}-[0-9a-f]{{16}}-00$", upstream["traceparent"]!.GetValue<string>());
        Assert.False(await _receiver.AnyTracesWithinAsync(TimeSpan.FromSeconds(1.5)));

        // No sampling_rate on the plugin, the node's is 0: the caller's "sampled" decides.
        var parentBased = await _node.RouteAsync($$$"""{"name":"parent-based","host":"127.0.0.1","port":{{{_backend.Port}}}}""", """{"paths":["/parent-based"]}""");
        await PluginAsync(parentBased, $$$"""{"traces_endpoint":"{{{_receiver.TracesUrl}}}","queue":{"max_coalescing_delay":0.1}}""");
        await EchoedHeadersAsync("/parent-based", ("traceparent", $"00-{CallerTrace}-{CallerSpan}-00"));
        Assert.False(await _receiver.AnyTracesWithinAsync(TimeSpan.FromSeconds(1.5)));
        await EchoedHeadersAsync("/parent-based", ("traceparent", $"00-{CallerTrace}-{CallerSpan}-01"));
        Assert.Contains(await _receiver.SpansAsync(s => s.Any(x => x.Name == "kong")), s => s.Name == "kong" && Hex(s.TraceId) == CallerTrace);
    }

    [Fact]
    public async Task Propagation_ReadsTheConfiguredFormat_ClearsHeaders_AndWritesEachInjectedFormat()
    {
        var route = await _node.RouteAsync($$$"""{"name":"formats","host":"127.0.0.1","port":{{{_backend.Port}}}}""", """{"paths":["/formats"]}""");
        await PluginAsync(route, $$$"""
            {"traces_endpoint":"{{{_receiver.TracesUrl}}}","sampling_rate":1,"queue":{"max_coalescing_delay":0.1},
             "propagation":{"extract":["b3"],"clear":["x-request-trace"],"inject":["preserve","datadog","w3c"],"default_format":"w3c"}}
            """);

        var upstream = await EchoedHeadersAsync(
            "/formats",
            ("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"),
            ("traceparent", $"00-{CallerTrace}-{CallerSpan}-01"),
            ("x-request-trace", "drop me"));

        var spans = await _receiver.SpansAsync(s => s.Any(x => x.Name == "kong"));
        var root = spans.Single(s => s.Name == "kong");
        Assert.Equal("80f198ee56343ba864fe8b2a57d3eff7", Hex(root.TraceId));
        Assert.Equal("e457b5a2e4d86bd1", Hex(root.ParentSpanId));
        var tried = Hex(spans.Single(s => s.Name == "kong.balancer").SpanId);
        Assert.StartsWith($"80f198ee56343ba864fe8b2a57d3eff7-{tried}-1", upstream["b3"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"00-80f198ee56343ba864fe8b2a57d3eff7-{tried}-01", upstream["traceparent"]!.GetValue<string>());
        Assert.Equal(ulong.Parse("64fe8b2a57d3eff7", System.Globalization.NumberStyles.HexNumber).ToString(System.Globalization.CultureInfo.InvariantCulture), upstream["x-datadog-trace-id"]!.GetValue<string>());
        Assert.Null(upstream["x-request-trace"]);
    }

    [Fact]
    public async Task WithInstrumentationsOff_ThePluginOnlyPropagates_AndExportsNothing()
    {
        await using var node = await TestNode.StartAsync();
        var route = await node.RouteAsync($$$"""{"name":"plain","host":"127.0.0.1","port":{{{_backend.Port}}}}""", """{"paths":["/plain"]}""");
        var config = $$$"""{"traces_endpoint":"{{{_receiver.TracesUrl}}}","sampling_rate":1,"http_response_header_for_traceid":"X-Trace-Id","queue":{"max_coalescing_delay":0.1}}""";
        await node.CreateAsync("/plugins", $$$"""{"name":"opentelemetry","route":{"id":"{{{route}}}"},"config":""" + config + "}");

        using var response = await node.Proxy.GetAsync("/plain");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var traceparent = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["headers"]!["traceparent"]!.GetValue<string>();
        var traceId = response.Headers.GetValues("X-Trace-Id").Single();
        Assert.Matches($"^00-{traceId}-[0-9a-f]{{16}}-00$", traceparent);
        Assert.False(await _receiver.AnyTracesWithinAsync(TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public async Task Schema_RefusesNoEndpoint_AndABadRate_WithKongsMessages_AndTakesTheOldEndpointName()
    {
        var (status, body) = await _node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"opentelemetry","config":{}}""");
        Assert.Equal(400, status);
        Assert.Equal("at least one of these fields must be non-empty: 'config.traces_endpoint', 'config.logs_endpoint'", body!["fields"]!["config"]!["@entity"]![0]!.GetValue<string>());

        (status, body) = await _node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"opentelemetry","config":{"traces_endpoint":"http://127.0.0.1:1/","sampling_rate":2}}""");
        Assert.Equal(400, status);
        Assert.NotNull(body!["fields"]!["config"]!["sampling_rate"]);

        (status, body) = await _node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"opentelemetry","config":{"traces_endpoint":"http://127.0.0.1:1/","propagation":{"extract":["b3-single"]}}}""");
        Assert.Equal(400, status);

        var created = await _node.CreateAsync("/plugins", """{"name":"opentelemetry","config":{"endpoint":"http://127.0.0.1:1/v1/traces"}}""");
        var config = created["config"]!;
        Assert.Equal("http://127.0.0.1:1/v1/traces", config["traces_endpoint"]!.GetValue<string>());
        Assert.Equal(200, config["queue"]!["max_batch_size"]!.GetValue<int>());
        Assert.Equal("w3c", config["propagation"]!["default_format"]!.GetValue<string>());
        Assert.Equal(["grpc", "grpcs", "http", "https"], created["protocols"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    private async Task PluginAsync(string route, string config) =>
        await _node.CreateAsync("/plugins", $$$"""{"name":"opentelemetry","route":{"id":"{{{route}}}"},"config":{{{config}}}}""");

    private async Task<JsonNode> EchoedHeadersAsync(string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _node.Proxy.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["headers"]!;
    }

    private static AnyValue Attribute(Span span, string key) =>
        span.Attributes.FirstOrDefault(a => a.Key == key)?.Value ?? throw new Xunit.Sdk.XunitException($"span {span.Name} has no attribute {key}");

    private static string Hex(Google.Protobuf.ByteString bytes) => Convert.ToHexStringLower(bytes.ToByteArray());
}
