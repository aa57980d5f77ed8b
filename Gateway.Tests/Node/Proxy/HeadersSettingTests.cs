using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>The <c>headers</c> setting switches Kong's response headers on and off.</summary>
public sealed class HeadersSettingTests
{
    [Fact]
    public async Task HeadersOff_NoKongHeadersOnProxiedOrKongResponses()
    {
        await using var backend = await Backend.StartAsync("quiet");
        await using var node = await TestNode.StartAsync("--headers", "off");
        await node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"hosts":["quiet.test"]}""");

        using var proxied = await SendAsync(node, "quiet.test");
        using var notFound = await SendAsync(node, "nothing.test");

        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal("1.1 backend", string.Join(", ", proxied.Headers.GetValues("Via")));
        Assert.False(proxied.Headers.Contains("X-Kong-Upstream-Latency"));
        Assert.False(proxied.Headers.Contains("X-Kong-Proxy-Latency"));
        Assert.False(proxied.Headers.Contains("X-Kong-Request-Id"));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Empty(notFound.Headers.Server);
        Assert.False(notFound.Headers.Contains("X-Kong-Response-Latency"));
        Assert.False(notFound.Headers.Contains("X-Kong-Request-Id"));
    }

    [Fact]
    public async Task HeadersChosenOneByOne_OnlyThoseAdded()
    {
        await using var backend = await Backend.StartAsync("some");
        await using var node = await TestNode.StartAsync("--headers", "X-Kong-Upstream-Latency, X-Kong-Upstream-Status, Server");
        await node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"hosts":["some.test"]}""");

        using var proxied = await SendAsync(node, "some.test");
        using var notFound = await SendAsync(node, "nothing.test");

        Assert.Matches("^[0-9]+$", proxied.Headers.GetValues("X-Kong-Upstream-Latency").Single());
        Assert.Equal("200", proxied.Headers.GetValues("X-Kong-Upstream-Status").Single());
        Assert.False(proxied.Headers.Contains("X-Kong-Proxy-Latency"));
        Assert.Equal("1.1 backend", string.Join(", ", proxied.Headers.GetValues("Via")));
        Assert.Equal("kong/3.9.1", notFound.Headers.Server.ToString());
        Assert.False(notFound.Headers.Contains("X-Kong-Response-Latency"));
    }

    private static Task<HttpResponseMessage> SendAsync(TestNode node, string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = host;
        return node.Proxy.SendAsync(request);
    }
}
