using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Session;
using Gateway.Tests.Support;
using static Gateway.Tests.Node.Plugins.Session.SessionRequests;

namespace Gateway.Tests.Node.Plugins.Session;

/// <summary>
/// Kong's session end to end (spec/03-plugins/30-session/02-access_spec.lua): key-auth (with an anonymous consumer,
/// as Kong's docs set it up) logs in and the session plugin sends a cookie; later requests with only the cookie
/// reach the backend as that consumer and credential; logout, timeouts and tampering end the session.
/// </summary>
public sealed class SessionAccessTests(AuthNode auth) : IClassFixture<AuthNode>
{
    private Task<LoginRoute> LoginRouteAsync(string name, string sessionConfig = "{}") =>
        SessionRequests.LoginRouteAsync(auth.Node.CallAsync, auth.Backend.Port, name, sessionConfig);

    private Task<SessionAnswer> SendAsync(HttpMethod method, string target, string? cookie = null, string? key = null, HttpContent? content = null) =>
        SessionRequests.SendAsync(auth.Node.Proxy, method, target, cookie, key, content);

    private async Task<string> LoginAsync(string path, string key)
    {
        var login = await SendAsync(HttpMethod.Get, path, key: key);
        Assert.Equal(HttpStatusCode.OK, login.Status);
        return CookieOf(Assert.Single(login.SetCookies));
    }

    [Fact]
    public async Task LoginWithKeyAuth_ThenTheCookieAlone_AuthenticatesTheConsumerAndCredential()
    {
        var (path, consumer, credential, _) = await LoginRouteAsync("sess-login");

        var login = await SendAsync(HttpMethod.Get, path, key: "sess-login-key");
        var setCookie = Assert.Single(login.SetCookies);
        Assert.Matches("^session=[A-Za-z0-9_-]+; Path=/; SameSite=Strict; HttpOnly; Secure$", setCookie);

        var again = await SendAsync(HttpMethod.Get, path, CookieOf(setCookie));

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(consumer, Upstream(again.Echo, "x-consumer-id"));
        Assert.Equal("sess-login", Upstream(again.Echo, "x-consumer-username"));
        Assert.Equal("sess-login-custom", Upstream(again.Echo, "x-consumer-custom-id"));
        Assert.Equal(credential, Upstream(again.Echo, "x-credential-identifier"));
        Assert.Equal("", Upstream(again.Echo, "x-anonymous-consumer"));
        Assert.Empty(again.SetCookies);
    }

    [Fact]
    public async Task NoCookie_AndNoKey_IsTheAnonymousConsumer_WithoutASession()
    {
        var (path, _, _, anonymous) = await LoginRouteAsync("sess-anon");

        var answer = await SendAsync(HttpMethod.Get, path);

        Assert.Equal(anonymous, Upstream(answer.Echo, "x-consumer-id"));
        Assert.Equal("true", Upstream(answer.Echo, "x-anonymous-consumer"));
        Assert.Empty(answer.SetCookies);
    }

    [Fact]
    public async Task TamperedCookie_OrAnotherSecretsCookie_IsNoSession()
    {
        var (path, _, _, anonymous) = await LoginRouteAsync("sess-tamper", """{"secret":"first-secret"}""");
        var other = await LoginRouteAsync("sess-tamper-other", """{"secret":"second-secret"}""");
        var cookie = await LoginAsync(path, "sess-tamper-key");
        var value = cookie["session=".Length..];
        var flipped = value[..^3] + (value[^3] == 'A' ? 'B' : 'A') + value[^2..];

        foreach (var forged in new[] { $"session={flipped}", "session=", "session=%%%not-base64", $"session={value[..20]}", await LoginAsync(other.Path, "sess-tamper-other-key") })
        {
            var answer = await SendAsync(HttpMethod.Get, path, forged);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(anonymous, Upstream(answer.Echo, "x-consumer-id"));
        }
    }

    [Fact]
    public async Task Logout_ByMethodAndQueryArgument_Answers200AndClearsTheCookie()
    {
        var (path, consumer, _, _) = await LoginRouteAsync("sess-logout");
        var cookie = await LoginAsync(path, "sess-logout-key");

        // GET is not a default logout method: the argument is passed on.
        var get = await SendAsync(HttpMethod.Get, path + "?session_logout=true", cookie);
        Assert.Equal(consumer, Upstream(get.Echo, "x-consumer-id"));

        var logout = await SendAsync(HttpMethod.Delete, path + "?session_logout", cookie);

        Assert.Equal(HttpStatusCode.OK, logout.Status);
        Assert.Equal("session=; Path=/; SameSite=Strict; HttpOnly; Secure; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0", Assert.Single(logout.SetCookies));
    }

    [Fact]
    public async Task Logout_ByPostArgument_OnlyWhenReadBodyForLogout()
    {
        var unread = await LoginRouteAsync("sess-post-unread");
        var read = await LoginRouteAsync("sess-post-read", """{"read_body_for_logout":true}""");
        static HttpContent Form() => new StringContent("session_logout=1", Encoding.UTF8, "application/x-www-form-urlencoded");

        var passed = await SendAsync(HttpMethod.Post, unread.Path, await LoginAsync(unread.Path, "sess-post-unread-key"), content: Form());
        var loggedOut = await SendAsync(HttpMethod.Post, read.Path, await LoginAsync(read.Path, "sess-post-read-key"), content: Form());

        Assert.Equal(unread.Consumer, Upstream(passed.Echo, "x-consumer-id"));
        Assert.Equal(HttpStatusCode.OK, loggedOut.Status);
        Assert.Null(loggedOut.Echo);
        Assert.Contains("Max-Age=0", Assert.Single(loggedOut.SetCookies));
    }

    [Theory]
    [InlineData("rolling_timeout")]
    [InlineData("idling_timeout")]
    [InlineData("absolute_timeout")]
    public async Task ExpiredSession_IsNoSession(string timeout)
    {
        var (path, _, _, anonymous) = await LoginRouteAsync($"sess-exp-{timeout}", $$"""{"{{timeout}}":1}""");
        var cookie = await LoginAsync(path, $"sess-exp-{timeout}-key");

        // Timeouts count whole seconds: two of them have certainly passed.
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var answer = await SendAsync(HttpMethod.Get, path, cookie);

        Assert.Equal(anonymous, Upstream(answer.Echo, "x-consumer-id"));
    }

    [Fact]
    public async Task CookieAttributes_AndSessionHeaders_FollowTheConfig()
    {
        var (path, _, _, _) = await LoginRouteAsync("sess-attrs", """
            {"cookie_name":"sid","cookie_path":"/app","cookie_domain":"example.test","cookie_same_site":"Lax",
             "cookie_http_only":false,"cookie_secure":false,"audience":"shop","response_headers":["audience","subject","id"],"request_headers":["subject"]}
            """);

        var login = await SendAsync(HttpMethod.Get, path, key: "sess-attrs-key");
        Assert.Matches("^sid=[A-Za-z0-9_-]+; Path=/app; Domain=example.test; SameSite=Lax$", Assert.Single(login.SetCookies));
        Assert.Equal("shop", login.Response.Headers.GetValues("Session-Audience").Single());
        Assert.Equal("sess-attrs", login.Response.Headers.GetValues("Session-Subject").Single());

        var again = await SendAsync(HttpMethod.Get, path, CookieOf(login.SetCookies[0]));
        Assert.Equal("sess-attrs", Upstream(again.Echo, "session-subject"));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", again.Response.Headers.GetValues("Session-Id").Single());
    }

    [Fact]
    public async Task DeletedConsumer_EndsTheSession()
    {
        var (path, consumer, _, anonymous) = await LoginRouteAsync("sess-deleted");
        var cookie = await LoginAsync(path, "sess-deleted-key");
        Assert.Equal(HttpStatusCode.NoContent, (await auth.Node.SendJsonAsync(HttpMethod.Delete, $"/consumers/{consumer}")).StatusCode);

        IReadOnlyList<string> setCookies = [];
        await Eventually.HoldsAsync(async () =>
        {
            var sent = await SendAsync(HttpMethod.Get, path, cookie);
            setCookies = sent.SetCookies;
            return Upstream(sent.Echo, "x-consumer-id") == anonymous;
        }, TimeSpan.FromSeconds(10), "the deleted consumer's session ends");

        Assert.Contains("Max-Age=0", Assert.Single(setCookies));
    }

    [Fact]
    public async Task Schema_GeneratesASecret_TakesKongStorageAndRemember_AndRefusesOtherStorages()
    {
        var created = await auth.Node.CreateAsync("/plugins", """{"name":"session","config":{"cookie_name":"schema-check","storage":"kong","remember":true}}""");
        Assert.Matches("^[A-Za-z0-9]{44}$", created["config"]!["secret"]!.GetValue<string>());
        Assert.Equal("kong", created["config"]!["storage"]!.GetValue<string>());
        Assert.True(created["config"]!["remember"]!.GetValue<bool>());
        await auth.Node.SendJsonAsync(HttpMethod.Delete, $"/plugins/{created["id"]}");

        var schema = await auth.Node.GetAsync("/schemas/plugins/session");
        var secret = schema["fields"]!.AsArray().Single(f => f!.AsObject().ContainsKey("config"))!["config"]!["fields"]![0]!["secret"]!;
        Assert.True(secret["referenceable"]!.GetValue<bool>());

        var (status, body) = await auth.Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"session","config":{"storage":"redis"}}""");
        Assert.Equal(400, status);
        Assert.Equal("expected one of: cookie, kong", body!["fields"]!["config"]!["storage"]!.GetValue<string>());
    }
}
