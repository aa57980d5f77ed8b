using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.HttpsRedirect;

/// <summary>https-redirect against a real backend, over the node's plain and TLS listeners.</summary>
public sealed class HttpsRedirectTests : IAsyncLifetime
{
    private Backend _backend = null!;
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _node = await TestNode.StartAsync();
        var route = await _node.RouteAsync($$"""{"name":"s","host":"127.0.0.1","port":{{_backend.Port}}}""", """{"paths":["/"],"hosts":["api.test"]}""");
        await _node.CreateAsync("/plugins", $$$"""{"name":"https-redirect","route":{"id":"{{{route}}}"},"config":{"exempt_paths":["/health","/.well-known/acme-challenge/"]}}""");
        var other = await _node.RouteAsync($$"""{"name":"s2","host":"127.0.0.1","port":{{_backend.Port}}}""", """{"paths":["/"],"hosts":["dev.test"]}""");
        await _node.CreateAsync("/plugins", $$$"""{"name":"https-redirect","route":{"id":"{{{other}}}"},"config":{"status_code":308,"https_port":8443}}""");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task PlainHttp_IsRedirectedWithPathAndQuery()
    {
        using var response = await SendAsync(_node.Proxy, "api.test", "/a/b?x=1&y=%20");
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("https://api.test/a/b?x=1&y=%20", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task ConfiguredStatusAndPort_AreUsed()
    {
        using var response = await SendAsync(_node.Proxy, "dev.test", "/x");
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("https://dev.test:8443/x", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/.well-known/acme-challenge/token")]
    public async Task ExemptPath_ReachesTheUpstreamOverHttp(string path)
    {
        using var response = await SendAsync(_node.Proxy, "api.test", path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(path, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task PrefixOfASegment_IsNotExempt()
    {
        using var response = await SendAsync(_node.Proxy, "api.test", "/healthz");
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
    }

    [Fact]
    public async Task Https_IsProxied()
    {
        using var response = await SendAsync(_node.ProxyTls, "api.test", "/a");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string host, string target)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Host = host;
        return client.SendAsync(request);
    }
}
