using System.Net;
using Gateway.Tests.MultiNode;
using Gateway.Tests.Support;
using static Gateway.Tests.Node.Plugins.Session.SessionRequests;

namespace Gateway.Tests.Node.Plugins.Session;

/// <summary>
/// storage = kong on a three-node cluster (PostgreSQL): a session begun on one node is valid on the others, restored
/// through its remember cookie on any of them, and once logged out on one node it is refused on all.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class SessionClusterTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task SessionFromA_IsValidOnBAndC_AndLogoutOnB_EndsItEverywhere()
    {
        await using var backend = await Backend.StartAsync("session");
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var route = await LoginRouteAsync(a.CallAsync, backend.Port, "cluster-session", """{"storage":"kong","remember":true}""");
        foreach (var node in new[] { b, c })
        {
            await Eventually.HoldsAsync(
                async () => Upstream((await SendAsync(node.Proxy, HttpMethod.Get, route.Path)).Echo, "x-consumer-id") == route.Anonymous,
                TimeSpan.FromSeconds(10), $"{node.Name} has the route");
        }

        var login = await SendAsync(a.Proxy, HttpMethod.Get, route.Path, key: "cluster-session-key");
        var session = CookieOf(SetCookieNamed(login.SetCookies, "session"));
        var remember = CookieOf(SetCookieNamed(login.SetCookies, "remember"));

        // A writes the login's row as its response goes out (Kong: from a timer), so B may ask a moment before it lands.
        await Eventually.HoldsAsync(
            async () => Upstream((await SendAsync(b.Proxy, HttpMethod.Get, route.Path, session)).Echo, "x-consumer-id") == route.Consumer,
            TimeSpan.FromSeconds(10), "B authenticates A's session");
        var restored = await SendAsync(c.Proxy, HttpMethod.Get, route.Path, remember);
        Assert.Equal(route.Consumer, Upstream(restored.Echo, "x-consumer-id"));
        var restoredCookies = $"{CookieOf(SetCookieNamed(restored.SetCookies, "session"))}; {CookieOf(SetCookieNamed(restored.SetCookies, "remember"))}";

        var logout = await SendAsync(b.Proxy, HttpMethod.Delete, route.Path + "?session_logout", $"{session}; {remember}");
        Assert.Equal(HttpStatusCode.OK, logout.Status);
        var otherLogout = await SendAsync(a.Proxy, HttpMethod.Delete, route.Path + "?session_logout", restoredCookies);
        Assert.Equal(HttpStatusCode.OK, otherLogout.Status);

        foreach (var (node, cookie) in new[] { (a, session), (c, session), (c, restoredCookies), (b, remember) })
        {
            Assert.Equal(route.Anonymous, Upstream((await SendAsync(node.Proxy, HttpMethod.Get, route.Path, cookie)).Echo, "x-consumer-id"));
        }
    }
}
