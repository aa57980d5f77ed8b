using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// The Admin API's CORS with admin_gui_url set, as Kong: only the origins of its URLs are echoed, with
/// <c>Access-Control-Allow-Credentials</c>; any other origin gets the first of them and never credentials. Without
/// admin_gui_url every origin is echoed with credentials, as before (AdminConventionsTests covers the rest of it).
/// </summary>
public sealed class AdminCorsTests : IAsyncLifetime
{
    private TestNode _gui = null!;
    private TestNode _open = null!;

    public async Task InitializeAsync()
    {
        _gui = await TestNode.StartAsync("--admin_gui_url", "http://gui.test:8002/manager, HTTPS://Console.Example.com");
        _open = await TestNode.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gui.DisposeAsync();
        await _open.DisposeAsync();
    }

    [Theory]
    [InlineData("http://gui.test:8002")]
    [InlineData("https://console.example.com")]
    public async Task AnAllowedOrigin_IsEchoed_WithCredentials(string origin)
    {
        using var response = await SendAsync(_gui, HttpMethod.Get, origin);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(origin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("Origin", Header(response, "Vary"));
    }

    [Fact]
    public async Task AnAllowedOrigin_GetsItsPreflightAnswered()
    {
        using var response = await SendAsync(_gui, HttpMethod.Options, "http://gui.test:8002", preflight: true);

        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal("http://gui.test:8002", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("DELETE", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://evil.test")]
    [InlineData("http://gui.test:8003")] // another port is another origin
    [InlineData("https://gui.test:8002")] // and so is another scheme
    public async Task AnotherOrigin_GetsTheFirstAllowedOne_AndNeverCredentials(string origin)
    {
        using var simple = await SendAsync(_gui, HttpMethod.Get, origin);
        using var preflight = await SendAsync(_gui, HttpMethod.Options, origin, preflight: true);

        foreach (var response in new[] { simple, preflight })
        {
            Assert.Equal("http://gui.test:8002", Header(response, "Access-Control-Allow-Origin"));
            Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        }
    }

    [Fact]
    public async Task WithoutAdminGuiUrl_AnyOriginIsEchoed_WithCredentials()
    {
        using var response = await SendAsync(_open, HttpMethod.Get, "http://evil.test");

        Assert.Equal("http://evil.test", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task WithoutAnOrigin_NoCorsHeaders()
    {
        using var response = await _gui.Admin.GetAsync("/services");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    private static async Task<HttpResponseMessage> SendAsync(TestNode node, HttpMethod method, string origin, bool preflight = false)
    {
        using var request = new HttpRequestMessage(method, "/services");
        request.Headers.Add("Origin", origin);
        if (preflight)
        {
            request.Headers.Add("Access-Control-Request-Method", "DELETE");
        }

        return await node.Admin.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) => Assert.Single(response.Headers.GetValues(name));
}
