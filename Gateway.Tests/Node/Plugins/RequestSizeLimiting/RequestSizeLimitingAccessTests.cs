using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.RequestSizeLimiting;

/// <summary>Plugin: request-size-limiting, as Kong's spec/03-plugins/12-request-size-limiting/01-access_spec.lua.</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class RequestSizeLimitingAccessTests(PluginNode node)
{
    [Fact]
    public async Task UnderTheLimit_Passes_OverIt_Gets413()
    {
        var path = await node.RouteWithPluginsAsync(("request-size-limiting", """{"allowed_payload_size":10,"size_unit":"bytes"}"""));
        using (var small = await node.Proxy.PostAsync(path, new StringContent("0123456789")))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        }

        using var big = await node.Proxy.PostAsync(path, new StringContent("0123456789A"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await big.Content.ReadAsStringAsync())!;
        Assert.Equal("Request size limit exceeded", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExpectContinue_Gets417()
    {
        var path = await node.RouteWithPluginsAsync(("request-size-limiting", """{"allowed_payload_size":1,"size_unit":"kilobytes"}"""));
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(new byte[2048]) };
        request.Headers.ExpectContinue = true;
        using var response = await node.Proxy.SendAsync(request);
        Assert.Equal(HttpStatusCode.ExpectationFailed, response.StatusCode);
    }

    [Fact]
    public async Task ChunkedBody_IsMeasured_AndSentOnWhole()
    {
        var path = await node.RouteWithPluginsAsync(("request-size-limiting", """{"allowed_payload_size":1,"size_unit":"kilobytes"}"""));
        using (var small = await node.Proxy.PostAsync(path, new ChunkedContent(1000)))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
            var echo = System.Text.Json.Nodes.JsonNode.Parse(await small.Content.ReadAsStringAsync())!;
            Assert.Equal(1000, echo["body_length"]!.GetValue<long>());
        }

        using var big = await node.Proxy.PostAsync(path, new ChunkedContent(1025));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
    }

    [Fact]
    public async Task RequireContentLength_RefusesARequestWithNeitherLengthNorChunked()
    {
        var path = await node.RouteWithPluginsAsync(("request-size-limiting", """{"require_content_length":true}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.LengthRequired, response.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("A valid Content-Length header is required", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RequireContentLength_LetsAChunkedBodyThrough_AndMeasuresIt()
    {
        // Kong's handler: require_content_length and Transfer-Encoding ~= "chunked" -> 411; chunked is read.
        var path = await node.RouteWithPluginsAsync(("request-size-limiting", """{"require_content_length":true,"allowed_payload_size":16,"size_unit":"bytes"}"""));
        using (var small = await node.Proxy.PostAsync(path, new ChunkedContent(10)))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
            var echo = System.Text.Json.Nodes.JsonNode.Parse(await small.Content.ReadAsStringAsync())!;
            Assert.Equal(10, echo["body_length"]!.GetValue<long>());
        }

        using var big = await node.Proxy.PostAsync(path, new ChunkedContent(17));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
    }

    /// <summary>A body of <c>size</c> bytes sent chunked (no Content-Length).</summary>
    private sealed class ChunkedContent(int size) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(new byte[size]).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
