using System.Net;
using Gateway.Tests.Support;
using static Gateway.Tests.Node.Plugins.Session.SessionRequests;

namespace Gateway.Tests.Node.Plugins.Session;

/// <summary>
/// storage = kong on a DB-less node: the sessions are run-time rows held by the cluster's grains (as oauth2's tokens
/// are), so logins work without a database, where Kong's DB-less mode cannot write them.
/// </summary>
public sealed class SessionDbLessTests
{
    private const string AnonymousId = "5b1e4f4e-6c4a-4a57-9d7e-0c4f3a1f2b11";

    [Fact]
    public async Task Login_Authenticates_RememberRestores_AndLogoutEndsBoth()
    {
        await using var backend = await Backend.StartAsync("session");
        var folder = Directory.CreateTempSubdirectory("gateway-session-dbless-").FullName;
        try
        {
            var path = Path.Combine(folder, "kong.yml");
            await File.WriteAllTextAsync(path, $"""
                _format_version: "3.0"
                services:
                - name: app
                  url: http://127.0.0.1:{backend.Port}
                  routes:
                  - name: app
                    paths: [/app]
                    plugins:
                    - name: session
                      config:
                        storage: kong
                        remember: true
                    - name: key-auth
                      config:
                        anonymous: {AnonymousId}
                consumers:
                - id: {AnonymousId}
                  username: nobody
                - username: alice
                  keyauth_credentials:
                  - key: alice-key
                """);
            await using var node = await TestNode.StartAsync("--database", "off", "--declarative_config", path);
            await LoginRestoreAndLogoutAsync(node.Proxy);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task LoginRestoreAndLogoutAsync(HttpClient proxy)
    {
        Task<SessionAnswer> SendAsync(HttpMethod method, string target, string? cookie = null, string? key = null) =>
            SessionRequests.SendAsync(proxy, method, target, cookie, key);

        var login = await SendAsync(HttpMethod.Get, "/app", key: "alice-key");
        var session = ValueOf(login.SetCookies, "session");
        var remember = ValueOf(login.SetCookies, "remember");
        Assert.Matches("^[A-Za-z0-9_-]{43}$", session);

        // The row is written as the login's response goes out; the node waits for it.
        var again = await SendAsync(HttpMethod.Get, "/app", $"session={session}");
        Assert.Equal("alice", Upstream(again.Echo, "x-consumer-username"));

        var restored = await SendAsync(HttpMethod.Get, "/app", $"remember={remember}");
        Assert.Equal("alice", Upstream(restored.Echo, "x-consumer-username"));
        var restoredSession = ValueOf(restored.SetCookies, "session");
        var renewedRemember = ValueOf(restored.SetCookies, "remember");

        var logout = await SendAsync(HttpMethod.Post, "/app?session_logout", $"session={restoredSession}; remember={renewedRemember}");
        Assert.Equal(HttpStatusCode.OK, logout.Status);
        Assert.Equal(2, logout.SetCookies.Count(c => c.Contains("Max-Age=0", StringComparison.Ordinal)));

        foreach (var cookie in new[] { $"session={restoredSession}", $"remember={renewedRemember}", $"remember={remember}" })
        {
            Assert.Equal("nobody", Upstream((await SendAsync(HttpMethod.Get, "/app", cookie)).Echo, "x-consumer-username"));
        }

        // The first session was not logged out: it still holds.
        Assert.Equal("alice", Upstream((await SendAsync(HttpMethod.Get, "/app", $"session={session}")).Echo, "x-consumer-username"));
    }
}
