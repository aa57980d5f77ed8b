namespace Gateway.Node.Upstreams;

/// <summary>
/// The balancer of one upstream at one config version: its targets, its algorithm, and the health
/// checks that take targets out of rotation. Immutable apart from the long-lived
/// <see cref="TargetState"/> of each target; a request gets it from its config snapshot's
/// <see cref="BalancerTable.TryGet"/>, once.
/// </summary>
/// <remarks>
/// The proxy's calls, per client request whose service host names an upstream:
/// <code>
/// var request = new BalancerRequest(httpContext) { ConsumerId = ..., UriCaptures = ... };
/// var target = balancer.Pick(request);            // null: answer 503 with UpstreamBalancer.NoPeerMessage
/// // ... forward to target.Authority (Host header: balancer.HostHeaderFor(target)) ...
/// balancer.Complete(target, RequestOutcome.Response(status, elapsed));  // exactly once per Pick
/// // on a retry (connect failure, timeout): Complete with the failure, then Pick(request) again.
/// </code>
/// </remarks>
public sealed class UpstreamBalancer
{
    /// <summary>Kong's 503 message when no target can be picked (kong/runloop/balancer/init.lua).</summary>
    public const string NoPeerMessage = "failure to get a peer from the ring-balancer";

    private readonly IBalancingAlgorithm _algorithm;
    private readonly LatencyAlgorithm? _latency;

    internal UpstreamBalancer(UpstreamConfig config, IReadOnlyList<UpstreamTarget> targets, TimeProvider time)
    {
        Config = config;
        Targets = targets;
        TotalWeight = targets.Sum(t => (long)t.Weight);
        _algorithm = config.Algorithm switch
        {
            "consistent-hashing" => new ConsistentHashingAlgorithm(config, targets),
            "least-connections" => new LeastConnectionsAlgorithm(targets),
            "latency" => _latency = new LatencyAlgorithm(targets, time),
            _ => new RoundRobinAlgorithm(targets),
        };
    }

    /// <summary>The upstream as configured.</summary>
    public UpstreamConfig Config { get; }

    /// <summary>The upstream's name (the host services use).</summary>
    public string Name => Config.Name;

    /// <summary>Every target of the upstream, weight 0 included, in created_at order.</summary>
    public IReadOnlyList<UpstreamTarget> Targets { get; }

    /// <summary>Whether health checks are on (Kong's is_upstream_using_healthcheck).</summary>
    public bool HealthchecksEnabled => Config.Healthchecks.Enabled;

    /// <summary>The sum of the targets' weights.</summary>
    public long TotalWeight { get; }

    /// <summary>The sum of the weights of targets the health checks count as up.</summary>
    public long AvailableWeight
    {
        get
        {
            long available = 0;
            foreach (var target in Targets)
            {
                available += target.IsHealthy ? target.Weight : 0;
            }

            return available;
        }
    }

    /// <summary>
    /// Whether the upstream as a whole is up: more than <c>healthchecks.threshold</c> percent of the
    /// weight available (Kong's updateStatus). An upstream with no weight is down.
    /// </summary>
    public bool IsHealthy
    {
        get
        {
            var total = TotalWeight;
            return total > 0 && AvailableWeight * 100.0 / total > Config.Healthchecks.Threshold;
        }
    }

    /// <summary>
    /// Picks the target for <paramref name="request"/> and counts it in flight; null when none is
    /// available (answer 503 <see cref="NoPeerMessage"/>). Every target returned must be given back
    /// once through <see cref="Complete"/>. On a retry pass the same request: targets it already
    /// tried are avoided while another is available.
    /// </summary>
    public UpstreamTarget? Pick(BalancerRequest request)
    {
        if (Config.Healthchecks.Threshold > 0 && !IsHealthy)
        {
            return null;
        }

        var target = _algorithm.Pick(request);
        if (target is not null)
        {
            request.Record(target);
            target.State.Begin();
        }

        return target;
    }

    /// <summary>
    /// Ends a request picked by <see cref="Pick"/>: takes it out of the in-flight count, adds the
    /// latency sample (latency algorithm), and feeds the passive health check (circuit breaker).
    /// </summary>
    public void Complete(UpstreamTarget target, RequestOutcome outcome)
    {
        target.State.End();
        if (outcome.Kind == OutcomeKind.Aborted)
        {
            return;
        }

        if (outcome.Kind == OutcomeKind.Response)
        {
            _latency?.Observe(target, outcome.Elapsed);
        }

        var passive = Config.Healthchecks.Passive;
        if (passive.Enabled)
        {
            target.State.Report(outcome.Kind, outcome.Status, passive);
        }
    }

    /// <summary>The Host header to send to <paramref name="target"/> when the route does not preserve the client's: the upstream's host_header, else the target's host.</summary>
    public string HostHeaderFor(UpstreamTarget target) => Config.HostHeader ?? target.Host;

    /// <summary>The target with this address (<c>host:port</c>) or id, or null.</summary>
    public UpstreamTarget? Find(string addressOrId) =>
        Targets.FirstOrDefault(t => t.Address == addressOrId || t.Id == addressOrId);

    /// <summary>Feeds an active probe's result to the target's counters; returns whether its health changed.</summary>
    internal bool ReportActive(UpstreamTarget target, OutcomeKind kind, int status) =>
        target.State.Report(kind, status, Config.Healthchecks.Active.Thresholds);
}
