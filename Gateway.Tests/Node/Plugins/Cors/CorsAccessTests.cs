using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Cors;

/// <summary>Plugin: cors, as Kong's spec/03-plugins/13-cors/01-access_spec.lua.</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class CorsAccessTests(PluginNode node)
{
    [Fact]
    public async Task Preflight_WithDefaults_AnswersItself()
    {
        var path = await node.RouteWithPluginsAsync(("cors", "{}"));
        using var response = await node.SendAsync(HttpMethod.Options, path, ("Origin", "http://example.com"), ("Access-Control-Request-Method", "GET"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT", Header(response, "Access-Control-Allow-Methods"));
        Assert.Null(Header(response, "Access-Control-Allow-Headers"));
        Assert.Null(Header(response, "Access-Control-Max-Age"));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
        Assert.Null(Header(response, "X-Backend"));
    }

    [Fact]
    public async Task Preflight_WithConfig()
    {
        var path = await node.RouteWithPluginsAsync(("cors",
            """{"origins":["http://example.com"],"methods":["GET","POST"],"headers":["origin","type","accepts"],"exposed_headers":["x-auth-token"],"max_age":23,"credentials":true}"""));
        using var response = await node.SendAsync(HttpMethod.Options, path, ("Origin", "http://example.com"), ("Access-Control-Request-Method", "GET"));
        Assert.Equal("http://example.com", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET,POST", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal("origin,type,accepts", Header(response, "Access-Control-Allow-Headers"));
        Assert.Equal("23", Header(response, "Access-Control-Max-Age"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("Origin", Header(response, "Vary"));
        Assert.Null(Header(response, "Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task Preflight_ReflectsRequestedHeaders()
    {
        var path = await node.RouteWithPluginsAsync(("cors", "{}"));
        using var response = await node.SendAsync(HttpMethod.Options, path,
            ("Origin", "http://example.com"), ("Access-Control-Request-Method", "GET"), ("Access-Control-Request-Headers", "origin,accepts"));
        Assert.Equal("origin,accepts", Header(response, "Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task PreflightContinue_GoesToTheUpstream_WithoutCorsHeaders()
    {
        var path = await node.RouteWithPluginsAsync(("cors", """{"preflight_continue":true}"""));
        using var response = await node.SendAsync(HttpMethod.Options, path, ("Origin", "http://example.com"), ("Access-Control-Request-Method", "GET"));
        Assert.Equal("backend", Header(response, "X-Backend"));
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ProxiedRequest_GetsOriginAndExposedHeaders()
    {
        var path = await node.RouteWithPluginsAsync(("cors", """{"origins":["http://example.com"],"exposed_headers":["x-auth-token"],"credentials":true}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("Origin", "http://example.com"));
        Assert.Equal("backend", Header(response, "X-Backend"));
        Assert.Equal("http://example.com", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("x-auth-token", Header(response, "Access-Control-Expose-Headers"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", response.Headers.GetValues("Vary"));
    }

    [Theory]
    [InlineData("http://www.example.net", "http://www.example.net")]
    [InlineData("http://example.org:8080", null)]
    [InlineData("https://sub.example.org", "https://sub.example.org")]
    [InlineData("http://www.example.net:80", "http://www.example.net")]
    public async Task RegexOrigins_MatchByHostOrWholeOrigin(string origin, string? expected)
    {
        var path = await node.RouteWithPluginsAsync(("cors", """{"origins":["http://www.example.net","(.*)\\.example\\.org"]}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("Origin", origin));
        Assert.Equal(expected, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task CredentialsWithWildcard_ReflectTheOrigin()
    {
        var path = await node.RouteWithPluginsAsync(("cors", """{"credentials":true}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("Origin", "http://client.test"));
        Assert.Equal("http://client.test", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task NoOrigin_WithAllowOriginAbsentFalse_AddsNothing()
    {
        var path = await node.RouteWithPluginsAsync(("cors", """{"allow_origin_absent":false}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task WildcardAmongOrigins_WinsOverAnEarlierMatchingEntry()
    {
        // Kong's "responds with * when origin has multiple entries and have * included": the "*" is found
        // while the list is prepared, before any entry is matched.
        var path = await node.RouteWithPluginsAsync(("cors", """{"origins":["http://example.com","*"]}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("Origin", "http://example.com"));
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("Origin", Header(response, "Vary"));

        using var preflight = await node.SendAsync(HttpMethod.Options, path, ("Origin", "http://example.com"), ("Access-Control-Request-Method", "GET"));
        Assert.Equal("*", Header(preflight, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_FromAnOriginNotAllowed_Is200WithoutAllowOrigin()
    {
        var path = await node.RouteWithPluginsAsync(("cors", """{"origins":["http://a.test","http://b.test"]}"""));
        using var response = await node.SendAsync(HttpMethod.Options, path, ("Origin", "http://a.test.evil.test"), ("Access-Control-Request-Method", "GET"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("Origin", Header(response, "Vary"));
        Assert.Equal("GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT", Header(response, "Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task ResponseOfAnotherPluginsExit_GetsTheHeaders()
    {
        // Kong's "works with 40x responses returned by another plugin".
        var path = await node.RouteWithPluginsAsync(("cors", "{}"), ("key-auth", "{}"));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("Origin", "http://example.com"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Methods"));
        Assert.Null(Header(response, "Vary"));
    }

    [Fact]
    public async Task GatewayError_StillGetsTheHeaders()
    {
        // Kong's "works even when upstream timeouts": the 502 the gateway makes itself carries them too.
        var closed = Gateway.Tests.Support.FreePorts.Next();
        var routeId = await node.Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{closed}}}""", """{"paths":["/cors-upstream-down"]}""");
        await node.Node.CreateAsync($"/routes/{routeId}/plugins", """{"name":"cors","config":{"origins":["example.test"],"exposed_headers":["x-auth-token"]}}""");
        using var response = await node.SendAsync(HttpMethod.Get, "/cors-upstream-down", ("Origin", "http://evil.test"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("example.test", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("x-auth-token", Header(response, "Access-Control-Expose-Headers"));
        Assert.Equal("Origin", Header(response, "Vary"));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;
}
