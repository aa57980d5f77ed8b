using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Node.Proxy;
using Gateway.Node.Routing;
using Gateway.Tests.Node.Upstreams;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Tests.Node.Proxy;

/// <summary>
/// The peers of one request: its balancer is read once (Upstreams/README), so every try of the request picks from
/// the same balancer and avoids the targets it already tried, whatever config comes in between.
/// </summary>
public class BalancedDestinationResolverTests
{
    [Fact]
    public void Resolve_ConfigChangesBetweenTries_TheRetryPicksFromTheFirstBalancer()
    {
        var snapshots = new ConfigSnapshotProvider();
        snapshots.Apply(TestUpstreams.Data(1, TestUpstreams.Upstream(), TestUpstreams.Targets("10.0.0.1:80", "10.0.0.2:80")));
        var (service, match) = Route("backend.test");
        var peers = new BalancedDestinationResolver().Resolve(snapshots.Current, service, new DefaultHttpContext(), match.Captures?.Named, plugins: null);

        Assert.True(peers.TryNext(out var first, out _));
        peers.Report(first, ForwarderError.Request, 0, TimeSpan.Zero);
        snapshots.Apply(TestUpstreams.Data(2, TestUpstreams.Upstream(), TestUpstreams.Targets("10.0.0.3:80")));
        Assert.True(peers.TryNext(out var second, out _));
        peers.Report(second, ForwarderError.None, 200, TimeSpan.Zero);

        Assert.Equal(["http://10.0.0.1:80", "http://10.0.0.2:80"], new[] { first.Prefix, second.Prefix }.Order());
    }

    [Fact]
    public void Resolve_HostNamesNoUpstream_EveryTryGoesToTheServiceHostAndPort()
    {
        var (service, match) = Route("example.test", port: 8080);
        var peers = new BalancedDestinationResolver().Resolve(new ConfigSnapshotProvider().Current, service, new DefaultHttpContext(), match.Captures?.Named, plugins: null);

        Assert.True(peers.TryNext(out var first, out _));
        Assert.True(peers.TryNext(out var second, out _));

        Assert.Equal("http://example.test:8080", first.Prefix);
        Assert.Equal("example.test:8080", first.HostHeader);
        Assert.Same(first, second);
    }

    private static (ServiceModel Service, RouteMatch Match) Route(string host, int port = 80)
    {
        var service = new ServiceModel(new JsonObject { ["id"] = "service-id", ["host"] = host, ["port"] = port });
        var route = new RouteModel(new JsonObject { ["id"] = "route-id" }, service, honorPathHandlingV1: false);
        return (service, new RouteMatch(route, service, null, null, "/", null));
    }
}
