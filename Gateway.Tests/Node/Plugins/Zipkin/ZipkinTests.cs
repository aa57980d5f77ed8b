using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Zipkin;

/// <summary>zipkin's spans against a real backend and a real span collector (Kong's spec/03-plugins/34-zipkin/zipkin_spec.lua).</summary>
public sealed class ZipkinTests : ZipkinNodeTests
{
    [Fact]
    public async Task Request_GivesRequestProxyAndBalancerSpans_WithKongsTagsAndAnnotations()
    {
        var (service, route) = await RouteWithZipkinAsync("traced", """{"static_tags":[{"name":"static","value":"ok"}],"http_response_header_for_traceid":"X-Trace-Id"}""");
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

        var (response, upstream) = await GetAsync("/traced/a?q=1", ("Zipkin-Tags", "foo=bar; baz=qux"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var traceId = upstream["x-b3-traceid"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Equal(traceId, response.Headers.GetValues("X-Trace-Id").Single());
        var spans = await Zipkin.TraceAsync(traceId, 3);
        var request = spans["GET"];
        var proxy = spans["GET (proxy)"];
        var balancer = spans["GET (balancer try 1)"];
        Assert.All(Zipkin.ContentTypes, t => Assert.Equal("application/json", t));

        // The upstream's parent is the proxy span; the proxy span and the try are the request span's children.
        Assert.Equal("SERVER", request["kind"]!.GetValue<string>());
        Assert.Equal("CLIENT", proxy["kind"]!.GetValue<string>());
        Assert.Equal("CLIENT", balancer["kind"]!.GetValue<string>());
        Assert.False(request.ContainsKey("parentId"));
        Assert.Equal(request["id"]!.GetValue<string>(), proxy["parentId"]!.GetValue<string>());
        Assert.Equal(request["id"]!.GetValue<string>(), balancer["parentId"]!.GetValue<string>());
        Assert.Equal(proxy["id"]!.GetValue<string>(), upstream["x-b3-spanid"]!.GetValue<string>());
        Assert.Equal(request["id"]!.GetValue<string>(), upstream["x-b3-parentspanid"]!.GetValue<string>());
        Assert.Equal("1", upstream["x-b3-sampled"]!.GetValue<string>());
        Assert.All(spans.Values, s => Assert.Matches("^[0-9a-f]{16}$", s["id"]!.GetValue<string>()));
        Assert.All(spans.Values, s => Assert.Equal("""{"serviceName":"kong"}""", s["localEndpoint"]!.ToJsonString()));

        var tags = request["tags"]!.AsObject();
        Assert.Matches("^[0-9a-f-]{36}$", tags["kong.node.id"]!.GetValue<string>());
        tags.Remove("kong.node.id");
        JsonAssert.Equal("""
            {"lc":"kong","http.method":"GET","http.host":"127.0.0.1","http.path":"/traced/a","http.protocol":"HTTP/1.1",
             "static":"ok","foo":"bar","baz":"qux","http.status_code":"200"}
            """, tags);
        var client = request["remoteEndpoint"]!.AsObject();
        Assert.Equal("127.0.0.1", client["ipv4"]!.GetValue<string>());
        Assert.True(client["port"]!.GetValue<int>() > 0);
        Assert.False(client.ContainsKey("serviceName"));

        JsonAssert.Equal($$"""
            {"kong.service":"{{service}}","kong.service_name":"traced","kong.route":"{{route}}","kong.route_name":"traced-route","peer.hostname":"127.0.0.1"}
            """, proxy["tags"]!);
        JsonAssert.Equal($$"""{"serviceName":"traced","ipv4":"127.0.0.1","port":{{Backend.Port}}}""", proxy["remoteEndpoint"]!);
        JsonAssert.Equal($$"""
            {"kong.balancer.try":"1","kong.service":"{{service}}","kong.service_name":"traced","kong.route":"{{route}}","kong.route_name":"traced-route"}
            """, balancer["tags"]!);
        JsonAssert.Equal($$"""{"serviceName":"traced","ipv4":"127.0.0.1","port":{{Backend.Port}}}""", balancer["remoteEndpoint"]!);

        // Kong's phase annotations, in order, within the spans.
        var ended = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 + 1000;
        var requestAt = Annotations(request);
        var proxyAt = Annotations(proxy);
        Assert.Equal(["krs", "krf"], requestAt.Keys);
        Assert.Equal(["kas", "kaf", "khs", "khf", "kbs", "kbf"], proxyAt.Keys);
        Assert.InRange(Time(request, "timestamp"), started - 1000, ended);
        Assert.True(requestAt["krs"] <= requestAt["krf"] && requestAt["krf"] <= proxyAt["kas"]);
        Assert.True(proxyAt["kas"] <= proxyAt["kaf"] && proxyAt["kaf"] <= proxyAt["khs"] && proxyAt["khs"] <= proxyAt["khf"]);
        Assert.True(proxyAt["khf"] <= proxyAt["kbs"] && proxyAt["kbs"] <= proxyAt["kbf"]);
        Assert.True(Time(request, "timestamp") <= Time(proxy, "timestamp"));
        Assert.True(Time(request, "duration") >= Time(proxy, "duration"));
        Assert.InRange(Time(balancer, "timestamp"), proxyAt["kas"] - 1000, proxyAt["khs"] + 1000);
        Assert.InRange(Time(request, "timestamp") + Time(request, "duration"), proxyAt["kbf"], ended);
    }

    [Fact]
    public async Task SampleRatioZero_SendsNothing_UnlessTheCallerSampled()
    {
        await RouteWithZipkinAsync("rare", """{"sample_ratio":0}""");

        var (unsampled, notSent) = await GetAsync("/rare");
        var (sampled, sent) = await GetAsync("/rare", ("X-B3-Sampled", "1"));

        Assert.Equal(HttpStatusCode.OK, unsampled.StatusCode);
        Assert.Equal("0", notSent["x-b3-sampled"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, sampled.StatusCode);
        Assert.Equal("1", sent["x-b3-sampled"]!.GetValue<string>());
        await Zipkin.TraceAsync(sent["x-b3-traceid"]!.GetValue<string>(), 3);
        Assert.DoesNotContain(Zipkin.Spans, s => s["traceId"]!.GetValue<string>() == notSent["x-b3-traceid"]!.GetValue<string>());
    }

    [Fact]
    public async Task FailedTry_IsABalancerSpanTaggedError_BeforeTheOneThatAnswered()
    {
        var deadPort = FreePorts.Next();
        await Node.CreateAsync("/upstreams", """{"name":"two.upstream"}""");
        await Node.CreateAsync("/upstreams/two.upstream/targets", $$"""{"target":"127.0.0.1:{{Backend.Port}}"}""");
        await Node.CreateAsync("/upstreams/two.upstream/targets", $$"""{"target":"127.0.0.1:{{deadPort}}"}""");
        var service = await Node.CreateAsync("/services", """{"name":"retried","host":"two.upstream","retries":1}""");
        var route = await Node.CreateAsync($"/services/{service["id"]}/routes", """{"paths":["/retried"]}""");
        await Node.CreateAsync("/plugins", $$$"""{"name":"zipkin","route":{"id":"{{{route["id"]}}}"},"config":{"http_endpoint":"{{{Zipkin.Endpoint}}}","sample_ratio":1}}""");

        // Round robin alternates between the targets: one of the first two requests tries the closed port first.
        Dictionary<string, JsonObject>? spans = null;
        for (var i = 0; i < 3 && spans is null; i++)
        {
            var (response, upstream) = await GetAsync("/retried");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var traceId = upstream["x-b3-traceid"]!.GetValue<string>();
            var balancerSpans = await WaitAnyAsync(traceId);
            spans = balancerSpans == 4 ? await Zipkin.TraceAsync(traceId, 4) : null;
        }

        Assert.NotNull(spans);
        var failed = spans["GET (balancer try 1)"];
        var answered = spans["GET (balancer try 2)"];
        Assert.Equal("true", failed["tags"]!["error"]!.GetValue<string>());
        Assert.Equal("failed", failed["tags"]!["kong.balancer.state"]!.GetValue<string>());
        Assert.Equal("502", failed["tags"]!["http.status_code"]!.GetValue<string>());
        Assert.Equal(deadPort, failed["remoteEndpoint"]!["port"]!.GetValue<int>());
        Assert.Null(answered["tags"]!["error"]);
        Assert.Equal("2", answered["tags"]!["kong.balancer.try"]!.GetValue<string>());
        Assert.Equal(Backend.Port, answered["remoteEndpoint"]!["port"]!.GetValue<int>());
        Assert.Equal(Backend.Port, spans["GET (proxy)"]["remoteEndpoint"]!["port"]!.GetValue<int>());
        Assert.True(Time(failed, "timestamp") <= Time(answered, "timestamp"));
    }

    [Fact]
    public async Task UnmatchedRequest_GivesRequestAndProxySpans_AndTheDefaultServiceName()
    {
        await Node.CreateAsync("/plugins", $$$"""{"name":"zipkin","config":{"http_endpoint":"{{{Zipkin.Endpoint}}}","sample_ratio":1,"default_service_name":"nowhere"}}""");
        const string traceId = "5af7651916cd43dd8448eb211c80319d";

        using var request = new HttpRequestMessage(HttpMethod.Get, "/nothing/here");
        request.Headers.Add("X-B3-TraceId", traceId);
        request.Headers.Add("X-B3-Sampled", "1");
        request.Headers.Add("Zipkin-Tags", "error = true; bad");
        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var spans = await Zipkin.TraceAsync(traceId, 2);
        var tags = spans["GET"]["tags"]!;
        Assert.Equal("404", tags["http.status_code"]!.GetValue<string>());
        Assert.Equal("true", tags["error"]!.GetValue<string>());
        Assert.Null(tags["bad"]);
        Assert.Equal("nowhere", spans["GET"]["remoteEndpoint"]!["serviceName"]!.GetValue<string>());
        Assert.False(spans["GET (proxy)"].ContainsKey("tags"));
        JsonAssert.Equal("""{"serviceName":"nowhere"}""", spans["GET (proxy)"]["remoteEndpoint"]!);
    }

    [Fact]
    public async Task Consumer_AndCredential_AreTagged_UnlessIncludeCredentialIsOff()
    {
        var (_, route) = await RouteWithZipkinAsync("auth", """{"include_credential":false}""");
        await Node.CreateAsync("/plugins", $$$"""{"name":"key-auth","route":{"id":"{{{route}}}"}}""");
        var consumer = await Node.CreateAsync("/consumers", """{"username":"alice"}""");
        await Node.CreateAsync("/consumers/alice/key-auth", """{"key":"secret-key"}""");

        var (response, upstream) = await GetAsync("/auth", ("apikey", "secret-key"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var spans = await Zipkin.TraceAsync(upstream["x-b3-traceid"]!.GetValue<string>(), 3);
        Assert.Equal(consumer["id"]!.GetValue<string>(), spans["GET"]["tags"]!["kong.consumer"]!.GetValue<string>());
        Assert.Null(spans["GET"]["tags"]!["kong.credential"]);
    }
}
