using System.Net;
using static Gateway.Tests.Node.Plugins.Session.SessionRequests;

namespace Gateway.Tests.Node.Plugins.Session;

/// <summary>
/// Kong's session with <c>remember = true</c> (lua-resty-session 4's persistent sessions): a login sets a second,
/// persistent cookie; once the session cookie is gone or expired, a valid remember cookie restores the session and a
/// new session cookie is issued; logout clears both; a tampered or misplaced cookie is no session.
/// </summary>
public sealed class SessionRememberTests(AuthNode auth) : IClassFixture<AuthNode>
{
    private const string Date = @"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT";

    private Task<LoginRoute> RouteAsync(string name, string extra = "") =>
        LoginRouteAsync(auth.Node.CallAsync, auth.Backend.Port, name, $$"""{"remember":true{{extra}}}""");

    private Task<SessionAnswer> SendAsync(HttpMethod method, string target, string? cookie = null, string? key = null) =>
        SessionRequests.SendAsync(auth.Node.Proxy, method, target, cookie, key);

    private async Task<(string Session, string Remember)> LoginAsync(LoginRoute route, string key, string rememberName = "remember")
    {
        var login = await SendAsync(HttpMethod.Get, route.Path, key: key);
        Assert.Equal(2, login.SetCookies.Count);
        return (CookieOf(SetCookieNamed(login.SetCookies, "session")), CookieOf(SetCookieNamed(login.SetCookies, rememberName)));
    }

    [Fact]
    public async Task Login_SetsAPersistentCookie_ThatRestoresTheSessionOnceTheSessionCookieIsGone()
    {
        var route = await RouteAsync("rem-restore");

        var login = await SendAsync(HttpMethod.Get, route.Path, key: "rem-restore-key");
        Assert.Matches("^session=[A-Za-z0-9_-]+; Path=/; SameSite=Strict; HttpOnly; Secure$", SetCookieNamed(login.SetCookies, "session"));
        Assert.Matches($"^remember=[A-Za-z0-9_-]+; Path=/; SameSite=Strict; HttpOnly; Secure; Expires={Date}; Max-Age=604800$", SetCookieNamed(login.SetCookies, "remember"));

        var restored = await SendAsync(HttpMethod.Get, route.Path, CookieOf(SetCookieNamed(login.SetCookies, "remember")));

        Assert.Equal(route.Consumer, Upstream(restored.Echo, "x-consumer-id"));
        Assert.Equal(route.Credential, Upstream(restored.Echo, "x-credential-identifier"));
        Assert.Equal("", Upstream(restored.Echo, "x-anonymous-consumer"));
        var session = CookieOf(SetCookieNamed(restored.SetCookies, "session"));
        Assert.Contains("Max-Age=604800", SetCookieNamed(restored.SetCookies, "remember"));
        var again = await SendAsync(HttpMethod.Get, route.Path, session);
        Assert.Equal(route.Consumer, Upstream(again.Echo, "x-consumer-id"));
        Assert.Empty(again.SetCookies);
    }

    [Fact]
    public async Task ExpiredSessionCookie_IsRestoredFromTheRememberCookie_ButAnExpiredRememberCookieIsNot()
    {
        var restoring = await RouteAsync("rem-idle", ""","idling_timeout":1""");
        var expiring = await RouteAsync("rem-expired", ""","idling_timeout":1,"remember_rolling_timeout":1""");
        var (session, remember) = await LoginAsync(restoring, "rem-idle-key");
        var (expiredSession, expiredRemember) = await LoginAsync(expiring, "rem-expired-key");

        // Timeouts count whole seconds: two of them have certainly passed.
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var restored = await SendAsync(HttpMethod.Get, restoring.Path, $"{session}; {remember}");
        var refused = await SendAsync(HttpMethod.Get, expiring.Path, $"{expiredSession}; {expiredRemember}");

        Assert.Equal(restoring.Consumer, Upstream(restored.Echo, "x-consumer-id"));
        Assert.NotEqual(session, CookieOf(SetCookieNamed(restored.SetCookies, "session")));
        Assert.Equal(expiring.Anonymous, Upstream(refused.Echo, "x-consumer-id"));
        Assert.Empty(refused.SetCookies);
    }

    [Fact]
    public async Task TamperedRememberCookie_OrOneCookieInTheOthersPlace_IsNoSession()
    {
        var route = await RouteAsync("rem-tamper");
        var (session, remember) = await LoginAsync(route, "rem-tamper-key");
        var value = remember["remember=".Length..];
        var flipped = value[..^3] + (value[^3] == 'A' ? 'B' : 'A') + value[^2..];

        foreach (var forged in new[] { $"remember={flipped}", "remember=", $"remember={value[..20]}", $"remember={session["session=".Length..]}", $"session={value}" })
        {
            var answer = await SendAsync(HttpMethod.Get, route.Path, forged);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(route.Anonymous, Upstream(answer.Echo, "x-consumer-id"));
        }
    }

    [Fact]
    public async Task Logout_ClearsBothCookies_AlsoWhenOnlyTheRememberCookieCame()
    {
        var route = await RouteAsync("rem-logout", ""","remember_cookie_name":"keep","remember_rolling_timeout":60""");
        var (session, remember) = await LoginAsync(route, "rem-logout-key", "keep");

        foreach (var cookie in new[] { $"{session}; {remember}", remember })
        {
            var logout = await SendAsync(HttpMethod.Delete, route.Path + "?session_logout", cookie);

            Assert.Equal(HttpStatusCode.OK, logout.Status);
            Assert.Equal("session=; Path=/; SameSite=Strict; HttpOnly; Secure; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0", SetCookieNamed(logout.SetCookies, "session"));
            Assert.Equal("keep=; Path=/; SameSite=Strict; HttpOnly; Secure; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0", SetCookieNamed(logout.SetCookies, "keep"));
        }

        var login = await SendAsync(HttpMethod.Get, route.Path, key: "rem-logout-key");
        Assert.Matches($"^keep=[A-Za-z0-9_-]+; Path=/; SameSite=Strict; HttpOnly; Secure; Expires={Date}; Max-Age=60$", SetCookieNamed(login.SetCookies, "keep"));
    }
}
