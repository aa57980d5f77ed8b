namespace Gateway.Node.Upstreams;

/// <summary>
/// Runs the active health checks of every upstream that has them: one loop per upstream, probing its
/// healthy targets every healthy.interval and its unhealthy ones every unhealthy.interval, at most
/// <c>concurrency</c> at a time. Loops follow config changes: an upstream whose healthchecks record
/// changes gets a new loop; a removed one loses its loop (re-planned on every published snapshot). Targets are
/// re-read from the current snapshot on every round, so target changes need no restart.
/// </summary>
public sealed partial class ActiveHealthChecker(IBalancerSource balancers, TimeProvider time, ILogger<ActiveHealthChecker> logger) : BackgroundService
{
    private readonly Dictionary<string, (string Source, CancellationTokenSource Stop, Task Loop)> _loops = [];
    private readonly Lock _lock = new();
    private CancellationToken _stopping;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        balancers.Published += Reconcile;
        try
        {
            Reconcile();
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            balancers.Published -= Reconcile;
            Task[] loops;
            lock (_lock)
            {
                foreach (var (_, stop, _) in _loops.Values)
                {
                    stop.Cancel();
                }

                loops = [.. _loops.Values.Select(l => l.Loop)];
                _loops.Clear();
            }

            await Task.WhenAll(loops);
        }
    }

    /// <summary>Starts, restarts and stops loops to match the current snapshot's balancers.</summary>
    private void Reconcile()
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            var wanted = balancers.Balancers.All.Where(b => b.Config.Healthchecks.Active.Enabled).ToDictionary(b => b.Config.Id);
            foreach (var (id, loop) in _loops.ToArray())
            {
                if (!wanted.TryGetValue(id, out var balancer) || balancer.Config.Healthchecks.Source != loop.Source)
                {
                    loop.Stop.Cancel();
                    _loops.Remove(id);
                }
            }

            foreach (var (id, balancer) in wanted)
            {
                if (!_loops.ContainsKey(id))
                {
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
                    var check = balancer.Config.Healthchecks.Active;
                    _loops[id] = (balancer.Config.Healthchecks.Source, stop, Task.Run(() => RunAsync(id, check, stop.Token)));
                }
            }
        }
    }

    private async Task RunAsync(string upstreamId, ActiveHealthcheck check, CancellationToken cancellationToken)
    {
        var nextHealthy = time.GetUtcNow();
        var nextUnhealthy = nextHealthy;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (balancers.Balancers.FindById(upstreamId) is not { } balancer)
                {
                    return;
                }

                var now = time.GetUtcNow();
                var probeHealthy = check.HealthyInterval > TimeSpan.Zero && now >= nextHealthy;
                var probeUnhealthy = check.UnhealthyInterval > TimeSpan.Zero && now >= nextUnhealthy;
                var due = balancer.Targets
                    .Where(t => t.Weight > 0 && (t.State.Healthy ? probeHealthy : probeUnhealthy))
                    .ToArray();
                if (probeHealthy)
                {
                    nextHealthy = now + check.HealthyInterval;
                }

                if (probeUnhealthy)
                {
                    nextUnhealthy = now + check.UnhealthyInterval;
                }

                var options = new ParallelOptions { MaxDegreeOfParallelism = check.Concurrency, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(due, options, async (target, token) =>
                {
                    var (kind, status) = await HealthProbe.RunAsync(check, target, balancer.Config.HostHeader, token);
                    // Report to the balancer live now (its thresholds): the target's state is shared across versions.
                    var live = balancers.Balancers.FindById(upstreamId) ?? balancer;
                    if (live.ReportActive(target, kind, status))
                    {
                        LogHealthChanged(logger, balancer.Name, target.Address, target.State.Healthy ? "healthy" : "unhealthy", kind, status);
                    }
                });

                var wake = Min(
                    check.HealthyInterval > TimeSpan.Zero ? nextHealthy : DateTimeOffset.MaxValue,
                    check.UnhealthyInterval > TimeSpan.Zero ? nextUnhealthy : DateTimeOffset.MaxValue);
                var delay = wake - time.GetUtcNow();
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, time, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The loop was replaced or the node is stopping.
        }
        catch (Exception e)
        {
            LogLoopFailed(logger, upstreamId, e);
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "[healthchecks] upstream {Upstream} target {Target} is now {Health} (active probe: {Kind} {Status})")]
    private static partial void LogHealthChanged(ILogger logger, string upstream, string target, string health, OutcomeKind kind, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "[healthchecks] the active check loop of upstream {Upstream} stopped")]
    private static partial void LogLoopFailed(ILogger logger, string upstream, Exception exception);
}
