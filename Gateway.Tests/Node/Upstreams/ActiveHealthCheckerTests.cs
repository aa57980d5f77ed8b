using System.Net;
using System.Net.Sockets;
using Gateway.Node.Config;
using Gateway.Node.Upstreams;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static Gateway.Tests.Node.Upstreams.TestUpstreams;

namespace Gateway.Tests.Node.Upstreams;

/// <summary>Active checks on real sockets: backends on 127.0.0.1 that go down and come back.</summary>
public sealed class ActiveHealthCheckerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Http_BadStatuses_TakeTheTargetOut_AndGoodOnesBringItBack()
    {
        await using var sick = await Backend.StartAsync();
        await using var well = await Backend.StartAsync();
        var snapshots = Snapshots(Active("http", "\"http_path\":\"/status\""), sick.Address, well.Address);
        await using var checker = await StartCheckerAsync(snapshots);
        sick.Status = 500;
        await WaitUntilAsync(() => !Current(snapshots).Find(sick.Address)!.IsAvailable);
        Assert.Equal(new Dictionary<string, int> { [well.Address] = 50 }, Distribution(Current(snapshots), 50));
        Assert.True(Current(snapshots).Find(well.Address)!.IsAvailable);

        sick.Status = 200;
        await WaitUntilAsync(() => Current(snapshots).Find(sick.Address)!.IsAvailable);
        Assert.Equal(2, Distribution(Current(snapshots), 50).Count);
    }

    [Fact]
    public async Task Http_StoppedBackend_IsTakenOut_AndComesBackWhenItRestarts()
    {
        await using var flaky = await Backend.StartAsync();
        await using var steady = await Backend.StartAsync();
        var snapshots = Snapshots(Active("http", ""), flaky.Address, steady.Address);
        await using var checker = await StartCheckerAsync(snapshots);

        await flaky.StopAsync();
        await WaitUntilAsync(() => !Current(snapshots).Find(flaky.Address)!.IsAvailable);
        Assert.Equal(new Dictionary<string, int> { [steady.Address] = 20 }, Distribution(Current(snapshots), 20));

        await flaky.StartAgainAsync();
        await WaitUntilAsync(() => Current(snapshots).Find(flaky.Address)!.IsAvailable);
        Assert.True(flaky.Requests > 0);
    }

    [Fact]
    public async Task NewSnapshot_TurningChecksOn_StartsProbing_AndTheNextKeepsTheHealthFound()
    {
        await using var sick = await Backend.StartAsync();
        sick.Status = 500;
        var snapshots = Snapshots("", sick.Address);
        await using var checker = await StartCheckerAsync(snapshots);
        Assert.True(Current(snapshots).Find(sick.Address)!.IsAvailable);

        snapshots.Apply(Data(2, Upstream(Active("http", "")), Targets(sick.Address)));
        await WaitUntilAsync(() => !Current(snapshots).Find(sick.Address)!.IsAvailable);

        snapshots.Apply(Data(3, Upstream(Active("http", "")), Targets(sick.Address + "=50")));
        Assert.Equal(50, Current(snapshots).Find(sick.Address)!.Weight);
        Assert.False(Current(snapshots).Find(sick.Address)!.IsAvailable);
    }

    [Fact]
    public async Task Tcp_ClosedPort_IsTakenOut_AndAnOpenOneComesBack()
    {
        var port = Support.FreePorts.Next();
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var snapshots = Snapshots(Active("tcp", ""), $"127.0.0.1:{port}");
        await using var checker = await StartCheckerAsync(snapshots);
        var target = $"127.0.0.1:{port}";

        listener.Stop();
        await WaitUntilAsync(() => !Current(snapshots).Find(target)!.IsAvailable);
        Assert.Null(Current(snapshots).Pick(new BalancerRequest()));

        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        await WaitUntilAsync(() => Current(snapshots).Find(target)!.IsAvailable);
        listener.Stop();
    }

    [Fact]
    public async Task Timeouts_CountAsTimeouts()
    {
        // A listener that accepts but never answers: the http probe times out.
        var port = Support.FreePorts.Next();
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            var snapshots = Snapshots(Active("http", "\"timeout\":0.2"), $"127.0.0.1:{port}");
            await using var checker = await StartCheckerAsync(snapshots);
            await WaitUntilAsync(() => !Current(snapshots).Targets[0].IsAvailable);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Probe_ReportsStatus_TcpFailure_AndConnected()
    {
        await using var backend = await Backend.StartAsync();
        backend.Status = 302;
        var check = ActiveHealthcheck.Parse(null);
        var balancer = Balancer(Upstream(), Targets(backend.Address, $"127.0.0.1:{Support.FreePorts.Next()}"));

        Assert.Equal((OutcomeKind.Response, 302), await HealthProbe.RunAsync(check, balancer.Targets[0], null, default));
        Assert.Equal((OutcomeKind.TcpFailure, 0), await HealthProbe.RunAsync(check, balancer.Targets[1], null, default));
        Assert.Equal((OutcomeKind.Connected, 0), await HealthProbe.RunAsync(check with { Type = "tcp" }, balancer.Targets[0], null, default));
    }

    private static string Active(string type, string extra) =>
        "\"healthchecks\":{\"active\":{\"type\":\"" + type + "\"" + (extra.Length > 0 ? "," + extra : "") + "," +
        "\"healthy\":{\"interval\":0.1,\"successes\":2}," +
        "\"unhealthy\":{\"interval\":0.1,\"http_failures\":2,\"tcp_failures\":2,\"timeouts\":2}}}";

    private static ConfigSnapshotProvider Snapshots(string upstream, params string[] targets)
    {
        var snapshots = new ConfigSnapshotProvider();
        snapshots.Apply(Data(1, Upstream(upstream), Targets(targets)));
        return snapshots;
    }

    private static UpstreamBalancer Current(ConfigSnapshotProvider snapshots) =>
        snapshots.Current.Balancers.TryGet("backend.test", out var balancer) ? balancer : throw new InvalidOperationException("no balancer");

    private static async Task<RunningChecker> StartCheckerAsync(ConfigSnapshotProvider snapshots)
    {
        var checker = new ActiveHealthChecker(snapshots, TimeProvider.System, NullLogger<ActiveHealthChecker>.Instance);
        await checker.StartAsync(CancellationToken.None);
        return new RunningChecker(checker);
    }

    private static Task WaitUntilAsync(Func<bool> condition) => Eventually.HoldsAsync(condition, Patience, "the health checker got there");

    private sealed class RunningChecker(ActiveHealthChecker checker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await checker.StopAsync(CancellationToken.None);
            checker.Dispose();
        }
    }
}
