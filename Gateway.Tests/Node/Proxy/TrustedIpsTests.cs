using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>With the client in trusted_ips, its X-Forwarded-* values are passed on and decide the scheme.</summary>
public sealed class TrustedIpsTests
{
    [Fact]
    public async Task TrustedClient_ForwardedHeadersKept_HttpsOnlyRouteAccepted()
    {
        await using var backend = await Backend.StartAsync("trusting");
        await using var node = await TestNode.StartAsync("--trusted_ips", "127.0.0.1");
        await node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"hosts":["trusted.test"],"protocols":["https"]}""");
        // TLS was terminated before us (X-Forwarded-Proto: https from a trusted peer): no 426, the answer is 200.
        var headers = await UpstreamHeadersAsync(
            node,
            "/p",
            ("Host", "trusted.test"),
            ("X-Forwarded-For", "203.0.113.7"),
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "public.example.com"),
            ("X-Forwarded-Port", "443"),
            ("X-Forwarded-Path", "/outer/p"),
            ("X-Forwarded-Prefix", "/outer"));

        Assert.Equal("203.0.113.7, 127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
        Assert.Equal("https", headers["x-forwarded-proto"]!.GetValue<string>());
        Assert.Equal("public.example.com", headers["x-forwarded-host"]!.GetValue<string>());
        Assert.Equal("443", headers["x-forwarded-port"]!.GetValue<string>());
        Assert.Equal("/outer/p", headers["x-forwarded-path"]!.GetValue<string>());
        Assert.Equal("/outer", headers["x-forwarded-prefix"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", headers["x-real-ip"]!.GetValue<string>());
    }

    [Fact]
    public async Task TrustedPeer_NamesTheClientInXRealIp_WhichGoesUpstreamAndToPlugins()
    {
        await using var backend = await Backend.StartAsync("realip");
        await using var node = await TestNode.StartAsync("--trusted_ips", "127.0.0.1");
        await node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"paths":["/realip"]}""");
        var denied = await node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"paths":["/denied"]}""");
        await node.CreateAsync("/plugins", $$$"""{"name":"ip-restriction","route":{"id":"{{{denied}}}"},"config":{"deny":["198.51.100.0/24"]}}""");

        var headers = await UpstreamHeadersAsync(node, "/realip", ("X-Real-IP", "198.51.100.9"));
        Assert.Equal("198.51.100.9", headers["x-real-ip"]!.GetValue<string>());
        Assert.Equal("198.51.100.9", headers["x-forwarded-for"]!.GetValue<string>());

        // ip-restriction sees the address the trusted peer named, as Kong's binary_remote_addr.
        Assert.Equal(403, await StatusAsync(node, "/denied", ("X-Real-IP", "198.51.100.9")));
        Assert.Equal(200, await StatusAsync(node, "/denied", ("X-Real-IP", "203.0.113.1")));
        Assert.Equal(200, await StatusAsync(node, "/denied"));
    }

    [Theory]
    [InlineData("off", "10.1.2.3")]
    [InlineData("on", "203.0.113.7")]
    public async Task RealIpHeaderXForwardedFor_IsReadFromTheRight_SkippingTrustedOnesWhenRecursive(string recursive, string client)
    {
        await using var backend = await Backend.StartAsync("xff");
        await using var node = await TestNode.StartAsync(
            "--trusted_ips", "127.0.0.1, 10.0.0.0/8", "--real_ip_header", "X-Forwarded-For", "--real_ip_recursive", recursive);
        await node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"paths":["/xff"]}""");

        var headers = await UpstreamHeadersAsync(node, "/xff", ("X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.2.3"));

        Assert.Equal(client, headers["x-real-ip"]!.GetValue<string>());

        // The list goes on with the peer that connected, whatever realip found.
        Assert.Equal("198.51.100.1, 203.0.113.7, 10.1.2.3, 127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
    }

    [Fact]
    public async Task UntrustedPeer_CannotNameAnotherClient()
    {
        await using var backend = await Backend.StartAsync("untrusted");
        await using var node = await TestNode.StartAsync("--trusted_ips", "10.0.0.0/8");
        await node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"paths":["/u"]}""");

        var headers = await UpstreamHeadersAsync(node, "/u", ("X-Real-IP", "198.51.100.9"));

        Assert.Equal("127.0.0.1", headers["x-real-ip"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
    }

    private static async Task<JsonNode> UpstreamHeadersAsync(TestNode node, string path, params (string Name, string Value)[] headers)
    {
        using var response = await SendAsync(node, path, headers);
        Assert.Equal(200, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["headers"]!;
    }

    private static async Task<int> StatusAsync(TestNode node, string path, params (string Name, string Value)[] headers)
    {
        using var response = await SendAsync(node, path, headers);
        return (int)response.StatusCode;
    }

    private static async Task<HttpResponseMessage> SendAsync(TestNode node, string path, (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await node.Proxy.SendAsync(request);
    }
}
