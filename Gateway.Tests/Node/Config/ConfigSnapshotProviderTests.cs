using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Node.Upstreams;
using Gateway.Storage.Snapshot;
using Gateway.Tests.Node.Routing;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging;
using static Gateway.Tests.Node.Upstreams.TestUpstreams;

namespace Gateway.Tests.Node.Config;

/// <summary>
/// One snapshot per config version, whole or not at all: routes and balancers of one version together, and a config
/// that cannot be compiled leaves the served snapshot in place with a log line naming the entity at fault.
/// </summary>
public sealed class ConfigSnapshotProviderTests
{
    private readonly ListLogger<ConfigSnapshotProvider> _log = new();

    [Fact]
    public void PublishedSnapshot_HasTheRoutesAndTheBalancersOfItsVersion()
    {
        var snapshots = new ConfigSnapshotProvider();
        var routes = new RouteConfig();
        routes.Route("""{"paths":["/new"]}""", routes.Service(host: "backend.test"));

        snapshots.Apply(With(routes.Data(), 1, [Upstream()], Targets("10.0.0.1:80")));

        var snapshot = snapshots.Current;
        Assert.NotNull(snapshot.Routes.Match(RouteConfig.Request("/new")));
        Assert.True(snapshot.Balancers.TryGet("backend.test", out var balancer));
        Assert.Equal("10.0.0.1:80", Assert.Single(balancer.Targets).Address);
    }

    [Fact]
    public void BadUpstream_KeepsTheServedSnapshot_AndTheLogNamesIt()
    {
        var snapshots = new ConfigSnapshotProvider(logger: _log);
        snapshots.Apply(Data(1, Upstream(), Targets("10.0.0.1:80")));
        var served = snapshots.Current;

        var error = Assert.Throws<InvalidOperationException>(() => snapshots.Apply(Data(2, [Upstream(), Nameless()], Targets("10.0.0.2:80"))));

        Assert.Equal($"upstream '?' ({OtherUpstreamId}): an upstream row has no name (Parameter 'row')", error.Message);
        Assert.Same(served, snapshots.Current);
        Assert.True(snapshots.Current.Balancers.TryGet("backend.test", out var balancer));
        Assert.Equal("10.0.0.1:80", Assert.Single(balancer.Targets).Address);
        Assert.Equal([$"config version 2 cannot be compiled, version 1 stays live: {error.Message}"], _log.Lines);
    }

    [Fact]
    public void RouteThatDoesNotCompile_KeepsTheServedSnapshot_AndTheLogNamesIt()
    {
        var snapshots = new ConfigSnapshotProvider(logger: _log);
        var routes = new RouteConfig();
        var id = routes.Route("""{"name":"broken","paths":["~/(unclosed"]}""");

        var error = Assert.ThrowsAny<ArgumentException>(() => snapshots.Apply(With(routes.Data(), 1, [Upstream()], [])));

        Assert.StartsWith($"route 'broken' ({id}): ", error.Message);
        Assert.Equal(0, snapshots.Current.Version);
        Assert.Empty(snapshots.Current.Balancers.All);
        Assert.Equal([$"config version 1 cannot be compiled, version 0 stays live: {error.Message}"], _log.Lines);
    }

    [Fact]
    public void StoredRegexTheRouterCannotRun_IsPublished_AndLoggedOnceNamingTheRoute()
    {
        var snapshots = new ConfigSnapshotProvider(logger: _log);
        var routes = new RouteConfig();
        var id = routes.Route("""{"name":"stored","paths":["~/(?!admin)\\w+"]}""");
        routes.Route("""{"paths":["/ok"]}""");

        snapshots.Apply(With(routes.Data(), 1, [], []));
        snapshots.Apply(With(routes.Data(), 2, [], []));

        Assert.Equal(2, snapshots.Current.Version);
        Assert.NotNull(snapshots.Current.Routes.Match(RouteConfig.Request("/ok")));
        var line = Assert.Single(_log.Lines);
        Assert.StartsWith($"route 'stored' ({id}): path '~/(?!admin)\\w+' never matches (it contains negative lookahead", line);
        Assert.EndsWith(": " + Gateway.Schema.LinearRegex.Rule, line);
    }

    [Fact]
    public void Published_IsRaisedForEachPublishedSnapshot_NotForAnOldOrAFailedOne()
    {
        var snapshots = new ConfigSnapshotProvider();
        var seen = new List<long>();
        snapshots.Published += () => seen.Add(snapshots.Current.Version);

        snapshots.Apply(Data(1, Upstream(), Targets("10.0.0.1:80")));
        snapshots.Apply(Data(1, Upstream(), Targets("10.0.0.2:80")));
        Assert.Throws<InvalidOperationException>(() => snapshots.Apply(Data(2, [Nameless()], [])));
        snapshots.Apply(Data(3, Upstream(), Targets("10.0.0.3:80")));

        Assert.Equal([1, 3], seen);
        Assert.Equal("10.0.0.3:80", Assert.Single(((IBalancerSource)snapshots).Balancers.FindById(UpstreamId)!.Targets).Address);
    }

    /// <summary><paramref name="routes"/>' services and routes at <paramref name="version"/>, with upstreams and targets.</summary>
    private static ConfigData With(ConfigData routes, long version, JsonObject[] upstreams, JsonObject[] targets) =>
        new(version, new Dictionary<string, IReadOnlyList<JsonObject>>
        {
            ["services"] = routes["services"],
            ["routes"] = routes["routes"],
            ["upstreams"] = upstreams,
            ["targets"] = targets,
        });
}
