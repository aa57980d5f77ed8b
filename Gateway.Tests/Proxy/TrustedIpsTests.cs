using System.Text.Json.Nodes;

namespace Gateway.Tests.Proxy;

/// <summary>With the client in trusted_ips, its X-Forwarded-* values are passed on and decide the scheme.</summary>
public sealed class TrustedIpsTests
{
    [Fact]
    public async Task TrustedClient_ForwardedHeadersKept_HttpsOnlyRouteAccepted()
    {
        await using var backend = await Backend.StartAsync("trusting");
        await using var node = await ProxyNode.StartAsync("--trusted_ips", "127.0.0.1");
        await node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"hosts":["trusted.test"],"protocols":["https"]}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/p");
        request.Headers.Host = "trusted.test";
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "public.example.com");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Port", "443");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Path", "/outer/p");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", "/outer");

        using var response = await node.Proxy.SendAsync(request);
        var headers = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["headers"]!;

        // TLS was terminated before us (X-Forwarded-Proto: https from a trusted peer): no 426.
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("203.0.113.7, 127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
        Assert.Equal("https", headers["x-forwarded-proto"]!.GetValue<string>());
        Assert.Equal("public.example.com", headers["x-forwarded-host"]!.GetValue<string>());
        Assert.Equal("443", headers["x-forwarded-port"]!.GetValue<string>());
        Assert.Equal("/outer/p", headers["x-forwarded-path"]!.GetValue<string>());
        Assert.Equal("/outer", headers["x-forwarded-prefix"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", headers["x-real-ip"]!.GetValue<string>());
    }
}
