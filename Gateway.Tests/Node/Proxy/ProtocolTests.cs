using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Tests.Node.Proxy;

/// <summary>HTTP/2 both sides (h2 over TLS, h2c for grpc services) and WebSocket pass-through.</summary>
public sealed class ProtocolTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task GrpcService_ReachedOverH2c()
    {
        await using var h2c = await Backend.StartAsync("h2c", HttpProtocols.Http2);
        await Node.RouteAsync($$"""{"protocol":"grpc","host":"127.0.0.1","port":{{h2c.Port}}}""", """{"protocols":["grpc","grpcs"],"hosts":["grpc.test"]}""");

        var echo = await SendTlsH2Async("/pkg.Service/Method", "grpc.test", "application/grpc");

        Assert.Equal("HTTP/2", echo["protocol"]!.GetValue<string>());
        Assert.Equal("/pkg.Service/Method", echo["target"]!.GetValue<string>());
        Assert.Equal("POST", echo["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task HttpsService_H2ClientGetsH2OverTlsUpstream()
    {
        await using var tls = await Backend.StartAsync("tls", HttpProtocols.Http1AndHttp2, tls: true);
        await Node.RouteAsync($$"""{"protocol":"https","host":"127.0.0.1","port":{{tls.Port}}}""", """{"hosts":["h2-upstream.test"]}""");

        var echo = await SendTlsH2Async("/h2", "h2-upstream.test", "application/json");

        Assert.Equal("HTTP/2", echo["protocol"]!.GetValue<string>());
        Assert.Equal("tls", echo["backend"]!.GetValue<string>());
    }

    [Fact]
    public async Task HttpsService_Http1ClientGetsHttp1OverTlsUpstream()
    {
        await using var tls = await Backend.StartAsync("tls1", HttpProtocols.Http1AndHttp2, tls: true);
        await Node.RouteAsync($$"""{"protocol":"https","host":"127.0.0.1","port":{{tls.Port}}}""", """{"hosts":["h1-tls-upstream.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/h1");
        request.Headers.Host = "h1-tls-upstream.test";

        using var response = await Node.Proxy.SendAsync(request);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/1.1", echo["protocol"]!.GetValue<string>());
        Assert.Equal($"127.0.0.1:{tls.Port}", echo["headers"]!["host"]!.GetValue<string>());
    }

    [Fact]
    public async Task GrpcRoute_Http1GrpcRequest_426PleaseUseHttp2()
    {
        await Node.RouteAsync($$"""{"protocol":"grpc","host":"127.0.0.1","port":{{fixture.Backend.Port}}}""", """{"protocols":["grpc"],"hosts":["grpc-h1.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/pkg.S/M") { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.Host = "grpc-h1.test";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(426, (int)response.StatusCode);
        Assert.Equal("""{"message":"Please use HTTP2 protocol"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("HTTP/2", string.Join(", ", response.Headers.Upgrade.Select(u => u.ToString())));
    }

    [Fact]
    public async Task GrpcRoute_NonGrpcRequest_415()
    {
        await Node.RouteAsync($$"""{"protocol":"grpc","host":"127.0.0.1","port":{{fixture.Backend.Port}}}""", """{"protocols":["grpc"],"hosts":["grpc-json.test"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "grpc-json.test";

        using var response = await Node.Proxy.SendAsync(request);

        Assert.Equal(415, (int)response.StatusCode);
        Assert.Equal("""{"message":"Non-gRPC request matched gRPC route"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WebSocket_EchoesThroughTheProxy()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}}}""", """{"paths":["/ws-route"],"strip_path":true}""");
        using var socket = new ClientWebSocket();

        // The route strips /ws-route, so the backend sees /ws.
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{Node.ProxyPort}/ws-route/ws"), CancellationToken.None);
        var messages = new List<string>();
        foreach (var text in new[] { "hello", "through", "kong" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[1024];
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            messages.Add(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal(["hello", "through", "kong"], messages);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    private async Task<JsonNode> SendTlsH2Async(string path, string host, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        request.Headers.Host = host;
        using var response = await Node.ProxyTls.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal(HttpVersion.Version20, response.Version);
        return JsonNode.Parse(text)!;
    }
}
