using Gateway.Node.Config;
using Gateway.Node.Upstreams;
using static Gateway.Tests.Node.Upstreams.TestUpstreams;

namespace Gateway.Tests.Node.Upstreams;

/// <summary>The circuit breaker fed by the proxy's reports, and health kept across config versions.</summary>
public sealed class PassiveHealthTests
{
    private const string Breaker = "\"healthchecks\":{\"passive\":{\"unhealthy\":{\"tcp_failures\":2,\"http_failures\":3,\"timeouts\":1},\"healthy\":{\"successes\":2}}}";

    [Fact]
    public void TcpFailures_AtTheThreshold_TakeTheTargetOut()
    {
        var balancer = Balancer(Upstream(Breaker), Targets("10.0.0.1:80", "10.0.0.2:80"));
        var down = balancer.Targets[0];

        Fail(balancer, down, RequestOutcome.TcpFailure(TimeSpan.Zero));
        Assert.True(down.IsAvailable);
        Fail(balancer, down, RequestOutcome.TcpFailure(TimeSpan.Zero));

        Assert.False(down.IsAvailable);
        Assert.Equal(new Dictionary<string, int> { ["10.0.0.2:80"] = 100 }, Distribution(balancer, 100));
    }

    [Fact]
    public void ASuccess_ResetsTheFailureCount()
    {
        var balancer = Balancer(Upstream(Breaker), Targets("10.0.0.1:80"));
        var target = balancer.Targets[0];

        Fail(balancer, target, RequestOutcome.Response(500, TimeSpan.Zero));
        Fail(balancer, target, RequestOutcome.Response(500, TimeSpan.Zero));
        Fail(balancer, target, RequestOutcome.Response(200, TimeSpan.Zero));
        Fail(balancer, target, RequestOutcome.Response(503, TimeSpan.Zero));
        Fail(balancer, target, RequestOutcome.Response(429, TimeSpan.Zero));
        Assert.True(target.IsAvailable);

        Fail(balancer, target, RequestOutcome.Response(500, TimeSpan.Zero));
        Assert.False(target.IsAvailable);
    }

    [Fact]
    public void StatusesInNeitherList_AndAbortedRequests_CountForNothing()
    {
        var balancer = Balancer(Upstream(Breaker), Targets("10.0.0.1:80"));
        var target = balancer.Targets[0];

        for (var i = 0; i < 5; i++)
        {
            Fail(balancer, target, RequestOutcome.Response(404, TimeSpan.Zero));
            Fail(balancer, target, RequestOutcome.Response(502, TimeSpan.Zero));
            Fail(balancer, target, RequestOutcome.Aborted(TimeSpan.Zero));
        }

        Assert.True(target.IsAvailable);
        Assert.Equal(0, target.State.ActiveRequests);
    }

    [Fact]
    public void AllTargetsDown_PickReturnsNull_ForKongs503()
    {
        var balancer = Balancer(Upstream(Breaker), Targets("10.0.0.1:80"));

        Fail(balancer, balancer.Targets[0], RequestOutcome.Timeout(TimeSpan.Zero));

        Assert.Null(balancer.Pick(new BalancerRequest()));
        Assert.False(balancer.IsHealthy);
        Assert.Equal("failure to get a peer from the ring-balancer", UpstreamBalancer.NoPeerMessage);
    }

    [Fact]
    public void PassiveSuccesses_BringATargetBack_WhenThatCounterIsOn()
    {
        var balancer = Balancer(Upstream(Breaker), Targets("10.0.0.1:80"));
        var target = balancer.Targets[0];
        Fail(balancer, target, RequestOutcome.Timeout(TimeSpan.Zero));

        // Kong's default passive.healthy.successes is 0: only active checks or an operator bring a target back.
        target.State.Report(OutcomeKind.Response, 200, balancer.Config.Healthchecks.Passive);
        Assert.False(target.IsAvailable);
        target.State.Report(OutcomeKind.Response, 200, balancer.Config.Healthchecks.Passive);
        Assert.True(target.IsAvailable);
    }

    [Fact]
    public void DefaultHealthchecks_AreOff_AndNothingIsEverMarkedDown()
    {
        var balancer = Balancer(Upstream(), Targets("10.0.0.1:80"));
        var target = balancer.Targets[0];

        for (var i = 0; i < 50; i++)
        {
            Fail(balancer, target, RequestOutcome.Response(500, TimeSpan.Zero));
            Fail(balancer, target, RequestOutcome.TcpFailure(TimeSpan.Zero));
        }

        Assert.False(balancer.HealthchecksEnabled);
        Assert.True(target.IsAvailable);
    }

    [Fact]
    public void Threshold_MarksTheUpstreamDown_BelowTheAvailableWeightShare()
    {
        var balancer = Balancer(Upstream("\"healthchecks\":{\"threshold\":50,\"passive\":{\"unhealthy\":{\"tcp_failures\":1}}}"),
            Targets("10.0.0.1:80=100", "10.0.0.2:80=100"));

        Fail(balancer, balancer.Targets[0], RequestOutcome.TcpFailure(TimeSpan.Zero));

        // 50% available is not more than the 50% threshold: the whole upstream is down.
        Assert.False(balancer.IsHealthy);
        Assert.Null(balancer.Pick(new BalancerRequest()));
    }

    [Fact]
    public void Health_SurvivesASnapshotSwap_AndIsForgottenWhenTheTargetGoes()
    {
        var snapshots = new ConfigSnapshotProvider();
        snapshots.Apply(Data(1, Upstream(Breaker), Targets("10.0.0.1:80", "10.0.0.2:80")));
        Assert.True(snapshots.Current.Balancers.TryGet("backend.test", out var first));
        Fail(first, first.Targets[0], RequestOutcome.Timeout(TimeSpan.Zero));

        // Version 2 changes a weight: a new balancer, the same health.
        snapshots.Apply(Data(2, Upstream(Breaker), Targets("10.0.0.1:80=10", "10.0.0.2:80")));
        Assert.True(snapshots.Current.Balancers.TryGet("BACKEND.test", out var second));
        Assert.NotSame(first, second);
        Assert.Equal(10, second.Targets[0].Weight);
        Assert.False(second.Targets[0].IsAvailable);

        // Version 3 drops the target, version 4 adds it back: it starts healthy.
        snapshots.Apply(Data(3, Upstream(Breaker), Targets("10.0.0.2:80")));
        snapshots.Apply(Data(4, Upstream(Breaker), Targets("10.0.0.2:80", "10.0.0.1:80")));
        Assert.True(snapshots.Current.Balancers.TryGet("backend.test", out var fourth));
        Assert.True(fourth.Find("10.0.0.1:80")!.IsAvailable);

        // An older version arriving late is ignored.
        snapshots.Apply(Data(3, Upstream(Breaker), Targets("10.0.0.2:80")));
        Assert.Equal(4, snapshots.Current.Version);
        Assert.False(snapshots.Current.Balancers.TryGet("other.test", out _));
    }

    [Fact]
    public void InFlightCount_StartedOnAnOldBalancer_EndsOnTheNewState()
    {
        var snapshots = new ConfigSnapshotProvider();
        snapshots.Apply(Data(1, Upstream("\"algorithm\":\"least-connections\""), Targets("10.0.0.1:80")));
        snapshots.Current.Balancers.TryGet("backend.test", out var old);
        var target = old!.Pick(new BalancerRequest())!;

        snapshots.Apply(Data(2, Upstream("\"algorithm\":\"least-connections\""), Targets("10.0.0.1:80=50")));
        snapshots.Current.Balancers.TryGet("backend.test", out var current);
        Assert.Equal(1, current!.Targets[0].State.ActiveRequests);

        old.Complete(target, RequestOutcome.Response(200, TimeSpan.Zero));
        Assert.Equal(0, current.Targets[0].State.ActiveRequests);
    }

    /// <summary>A request that went to <paramref name="target"/> and ended with <paramref name="outcome"/>.</summary>
    private static void Fail(UpstreamBalancer balancer, UpstreamTarget target, RequestOutcome outcome)
    {
        target.State.Begin();
        balancer.Complete(target, outcome);
    }
}
