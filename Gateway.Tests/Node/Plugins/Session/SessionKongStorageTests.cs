using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using static Gateway.Tests.Node.Plugins.Session.SessionRequests;

namespace Gateway.Tests.Node.Plugins.Session;

/// <summary>storage = kong on SQLite.</summary>
public sealed class SessionKongStorageSqliteTests(NodeFixture fixture) : SessionKongStorageTests(fixture), IClassFixture<NodeFixture>;

/// <summary>storage = kong on PostgreSQL.</summary>
public sealed class SessionKongStoragePostgresTests(PostgresNode fixture) : SessionKongStorageTests(fixture), IClassFixture<PostgresNode>;

/// <summary>
/// Kong's session with <c>storage = kong</c> (kong/plugins/session/storage/kong.lua): the cookie carries only the
/// session id; the sealed session is a row of Kong's <c>sessions</c> entity, whose ttl is the session's remaining
/// lifetime; logout deletes it, renewal and idle use rewrite it, an expired one is never served.
/// </summary>
public abstract class SessionKongStorageTests(NodeFixture fixture)
{
    private const string IdCookie = "^session=[A-Za-z0-9_-]{43}; Path=/; SameSite=Strict; HttpOnly; Secure$";

    private TestNode Node => fixture.Node;

    private Task<LoginRoute> RouteAsync(string name, string extra = "") =>
        LoginRouteAsync(Node.CallAsync, fixture.Backend.Port, name, $$"""{"storage":"kong","secret":"storage-secret"{{extra}}}""");

    private Task<SessionAnswer> SendAsync(HttpMethod method, string target, string? cookie = null, string? key = null) =>
        SessionRequests.SendAsync(Node.Proxy, method, target, cookie, key);

    /// <summary>The row of a session id, once the node has written it (a login's row is written after its response starts).</summary>
    private async Task<JsonObject> RowAsync(string sessionId)
    {
        JsonObject? row = null;
        await Eventually.HoldsAsync(
            async () => (row = await Node.Store.GetByFieldAsync("sessions", "session_id", sessionId)) is not null, TimeSpan.FromSeconds(10), "the session row is written");
        return row!;
    }

    private Task<JsonObject?> StoredAsync(string sessionId) => Node.Store.GetByFieldAsync("sessions", "session_id", sessionId);

    [Fact]
    public async Task Login_PutsTheSessionInARowWithItsTtl_AndTheCookieCarriesOnlyItsId()
    {
        var route = await RouteAsync("kst-login");

        var login = await SendAsync(HttpMethod.Get, route.Path, key: "kst-login-key");
        var setCookie = Assert.Single(login.SetCookies);
        Assert.Matches(IdCookie, setCookie);
        var id = ValueOf(login.SetCookies, "session");

        var row = await RowAsync(id);
        Assert.Matches("^[0-9a-f-]{36}$", row["id"]!.GetValue<string>());
        var created = row["created_at"]!.GetValue<long>();

        // The least of the default timeouts: idling, 900 seconds.
        Assert.Equal(900, row["ttl"]!.GetValue<long>());
        Assert.Equal(created + 900, row["expires"]!.GetValue<long>());
        var data = row["data"]!.GetValue<string>();
        Assert.DoesNotContain(route.Consumer, data);
        Assert.DoesNotContain(route.Credential, data);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, $"/sessions/{id}")).Status);

        var again = await SendAsync(HttpMethod.Get, route.Path, CookieOf(setCookie));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(route.Consumer, Upstream(again.Echo, "x-consumer-id"));
        Assert.Equal("kst-login", Upstream(again.Echo, "x-consumer-username"));
        Assert.Equal(route.Credential, Upstream(again.Echo, "x-credential-identifier"));
        Assert.Equal("", Upstream(again.Echo, "x-anonymous-consumer"));
        Assert.Empty(again.SetCookies);
    }

    [Fact]
    public async Task Logout_DeletesTheRow_AndTheCookieNoLongerAuthenticates()
    {
        var route = await RouteAsync("kst-logout");
        var login = await SendAsync(HttpMethod.Get, route.Path, key: "kst-logout-key");
        var id = ValueOf(login.SetCookies, "session");
        await RowAsync(id);

        var logout = await SendAsync(HttpMethod.Delete, route.Path + "?session_logout", $"session={id}");

        Assert.Equal(HttpStatusCode.OK, logout.Status);
        Assert.Equal("session=; Path=/; SameSite=Strict; HttpOnly; Secure; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0", Assert.Single(logout.SetCookies));
        Assert.Null(await StoredAsync(id));
        var after = await SendAsync(HttpMethod.Get, route.Path, $"session={id}");
        Assert.Equal(route.Anonymous, Upstream(after.Echo, "x-consumer-id"));
        Assert.Empty(after.SetCookies);
    }

    [Fact]
    public async Task ExpiredRow_IsNotServed()
    {
        var route = await RouteAsync("kst-expired", ""","rolling_timeout":1""");
        var login = await SendAsync(HttpMethod.Get, route.Path, key: "kst-expired-key");
        var id = ValueOf(login.SetCookies, "session");
        Assert.Equal(1, (await RowAsync(id))["ttl"]!.GetValue<long>());

        // Timeouts count whole seconds: two of them have certainly passed.
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        var answer = await SendAsync(HttpMethod.Get, route.Path, $"session={id}");

        Assert.Equal(route.Anonymous, Upstream(answer.Echo, "x-consumer-id"));
    }

    [Fact]
    public async Task IdleUse_RewritesTheRow_WithALaterExpiry()
    {
        // Touched once half the idling timeout is spent (lua-resty-session: at most once a minute).
        var route = await RouteAsync("kst-touch", ""","idling_timeout":4""");
        var login = await SendAsync(HttpMethod.Get, route.Path, key: "kst-touch-key");
        var id = ValueOf(login.SetCookies, "session");
        var before = (await RowAsync(id))["expires"]!.GetValue<long>();

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var used = await SendAsync(HttpMethod.Get, route.Path, $"session={id}");

        Assert.Equal(route.Consumer, Upstream(used.Echo, "x-consumer-id"));
        Assert.Empty(used.SetCookies);
        await Eventually.HoldsAsync(
            async () => (await StoredAsync(id))?["expires"]?.GetValue<long>() > before, TimeSpan.FromSeconds(10), "the touched row expires later");
    }

    [Fact]
    public async Task Renewal_IssuesANewIdAndRow_AndTheOldRowTurnsStale()
    {
        // Renewed once 3/4 of the rolling timeout is spent: between 6 and 8 seconds after login.
        var route = await RouteAsync("kst-renew", ""","rolling_timeout":8,"stale_ttl":2""");
        var login = await SendAsync(HttpMethod.Get, route.Path, key: "kst-renew-key");
        var old = ValueOf(login.SetCookies, "session");
        await RowAsync(old);

        await Task.Delay(TimeSpan.FromSeconds(6.2));
        var renewed = await SendAsync(HttpMethod.Get, route.Path, $"session={old}");

        Assert.Equal(route.Consumer, Upstream(renewed.Echo, "x-consumer-id"));
        Assert.Matches(IdCookie, Assert.Single(renewed.SetCookies));
        var id = ValueOf(renewed.SetCookies, "session");
        Assert.NotEqual(old, id);
        await RowAsync(id);
        await Eventually.HoldsAsync(async () =>
        {
            var stale = await StoredAsync(old);
            return stale is null || stale["expires"]!.GetValue<long>() <= DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 2;
        }, TimeSpan.FromSeconds(10), "the old row lives stale_ttl at most");
        Assert.Equal(route.Consumer, Upstream((await SendAsync(HttpMethod.Get, route.Path, $"session={id}")).Echo, "x-consumer-id"));
    }

    [Fact]
    public async Task TamperedOrForeignIds_AreNoSession()
    {
        var route = await RouteAsync("kst-tamper");
        var cookieRoute = await LoginRouteAsync(Node.CallAsync, fixture.Backend.Port, "kst-tamper-cookie", """{"secret":"storage-secret"}""");
        var id = ValueOf((await SendAsync(HttpMethod.Get, route.Path, key: "kst-tamper-key")).SetCookies, "session");
        await RowAsync(id);
        var flipped = id[..^3] + (id[^3] == 'A' ? 'B' : 'A') + id[^2..];
        var inCookie = CookieOf(Assert.Single((await SendAsync(HttpMethod.Get, cookieRoute.Path, key: "kst-tamper-cookie-key")).SetCookies));

        foreach (var forged in new[] { $"session={flipped}", "session=", $"session={id[..20]}", $"session={id}A", "session=%%%", inCookie })
        {
            var answer = await SendAsync(HttpMethod.Get, route.Path, forged);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(route.Anonymous, Upstream(answer.Echo, "x-consumer-id"));
        }
    }

    [Fact]
    public async Task Remember_KeepsARowOfItsOwn_RestoresTheSession_AndLogoutDeletesBoth()
    {
        var route = await RouteAsync("kst-remember", ""","remember":true""");
        var login = await SendAsync(HttpMethod.Get, route.Path, key: "kst-remember-key");
        Assert.Equal(2, login.SetCookies.Count);
        var remember = ValueOf(login.SetCookies, "remember");
        Assert.Matches("^[A-Za-z0-9_-]{43}$", remember);
        Assert.Equal(604800, (await RowAsync(remember))["ttl"]!.GetValue<long>());

        // The session cookie is gone (a browser restart): the remember cookie brings the session back.
        var restored = await SendAsync(HttpMethod.Get, route.Path, $"remember={remember}");

        Assert.Equal(route.Consumer, Upstream(restored.Echo, "x-consumer-id"));
        Assert.Equal(route.Credential, Upstream(restored.Echo, "x-credential-identifier"));
        var session = ValueOf(restored.SetCookies, "session");
        var renewedRemember = ValueOf(restored.SetCookies, "remember");
        Assert.NotEqual(remember, renewedRemember);
        await RowAsync(session);
        await RowAsync(renewedRemember);
        await Eventually.HoldsAsync(async () => await StoredAsync(remember) is null, TimeSpan.FromSeconds(10), "the old remember row is deleted");

        var logout = await SendAsync(HttpMethod.Delete, route.Path + "?session_logout", $"session={session}; remember={renewedRemember}");

        Assert.Equal(HttpStatusCode.OK, logout.Status);
        Assert.Contains("Max-Age=0", SetCookieNamed(logout.SetCookies, "session"));
        Assert.Contains("Max-Age=0", SetCookieNamed(logout.SetCookies, "remember"));
        Assert.Null(await StoredAsync(session));
        Assert.Null(await StoredAsync(renewedRemember));
        Assert.Equal(route.Anonymous, Upstream((await SendAsync(HttpMethod.Get, route.Path, $"remember={renewedRemember}")).Echo, "x-consumer-id"));
    }
}
