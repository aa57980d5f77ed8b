using Gateway.Node.Config;
using Gateway.Node.Upstreams;
using Gateway.Storage.Snapshot;
using static Gateway.Tests.Node.Upstreams.TestUpstreams;

namespace Gateway.Tests.Node.Upstreams;

/// <summary>Balancers built into each config snapshot: names unique in any case, health carried over from the snapshot before.</summary>
public sealed class BalancerTableTests
{
    private const string Breaker = "\"healthchecks\":{\"passive\":{\"unhealthy\":{\"timeouts\":1}}}";

    [Fact]
    public void UpstreamNamesThatDifferOnlyInCase_AreAConfigError_NamingBoth()
    {
        var snapshots = new ConfigSnapshotProvider();

        var error = Assert.Throws<InvalidOperationException>(() =>
            snapshots.Apply(Data(1, [Upstream(), Upstream(id: OtherUpstreamId, name: "Backend.TEST")], [])));

        Assert.Equal($"upstream 'Backend.TEST' ({OtherUpstreamId}): its name is also upstream {UpstreamId}'s (names are compared in any case)", error.Message);
        Assert.Equal(0, snapshots.Current.Version);
    }

    [Fact]
    public void Health_OutlivesAFailedBuild()
    {
        var snapshots = new ConfigSnapshotProvider();
        snapshots.Apply(Data(1, Upstream(Breaker), Targets("10.0.0.1:80", "10.0.0.2:80")));
        Assert.True(snapshots.Current.Balancers.TryGet("backend.test", out var first));
        first.Complete(first.Pick(new BalancerRequest())!, RequestOutcome.Timeout(TimeSpan.Zero));
        var down = first.Targets.Single(t => !t.IsHealthy).Address;

        Assert.Throws<InvalidOperationException>(() => snapshots.Apply(Data(2, [Upstream(Breaker), Nameless()], Targets("10.0.0.1:80", "10.0.0.2:80"))));
        snapshots.Apply(Data(3, Upstream(Breaker), Targets("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80")));

        Assert.True(snapshots.Current.Balancers.TryGet("backend.test", out var third));
        Assert.False(third.Find(down)!.IsHealthy);
        Assert.Equal(2, third.Targets.Count(t => t.IsHealthy));
    }

    [Fact]
    public void Build_WithoutUpstreams_IsEmpty()
    {
        var table = BalancerTable.Build(ConfigData.Empty, BalancerTable.Empty, TimeProvider.System);

        Assert.Empty(table.All);
        Assert.False(table.TryGet("backend.test", out _));
        Assert.Null(table.FindById(UpstreamId));
    }
}
