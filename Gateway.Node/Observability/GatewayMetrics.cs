using Gateway.Storage.Audit;
using Prometheus;

namespace Gateway.Node.Observability;

/// <summary>
/// The node's own metrics, beyond Kong's families, under <c>gateway_</c> names: the config version it serves and how
/// long pushes took to reach it, the cluster as its silo sees it, and the audit records it committed. Served on
/// <c>/metrics</c> after the prometheus plugin's families; a family with no sample yet is left out, as Kong's are.
/// </summary>
public sealed class GatewayMetrics : IAuditSink
{
    /// <summary>Propagation buckets (seconds): pushes take milliseconds, the poll that backs a lost one takes db_update_frequency.</summary>
    public static readonly double[] PropagationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>rate-limiting's policies, in the order of <see cref="_rateLimitDecisions"/>' first index; an unknown one counts as local.</summary>
    private static readonly string[] RateLimitPolicies = ["local", "cluster", "redis"];

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Gauge _configVersion;
    private readonly Histogram _propagation;
    private readonly Gauge _members;
    private readonly Gauge _memberInfo;
    private readonly Counter _auditRecords;
    private readonly Counter _consumerCache;
    private readonly Counter.Child[,] _rateLimitDecisions;
    private readonly Lock _scrapeLock = new();

    /// <summary>Creates the families; <paramref name="pluginLatency"/> adds gateway_plugin_latency_seconds.</summary>
    public GatewayMetrics(bool pluginLatency = false)
    {
        var factory = Metrics.WithCustomRegistry(_registry);
        PluginLatency = pluginLatency ? new PluginLatency(factory) : null;
        _configVersion = factory.CreateGauge("gateway_config_version", "Config version this node serves", ["node_id"]);
        _propagation = factory.CreateHistogram("gateway_config_propagation_seconds",
            "Seconds from a config write's commit to this node serving it (the writer's clock to this node's)",
            new HistogramConfiguration { Buckets = PropagationBuckets });
        _members = factory.CreateGauge("gateway_cluster_members", "Cluster members this node's silo knows, by status", ["status"]);
        _memberInfo = factory.CreateGauge("gateway_cluster_member_info", "One series per cluster member this node's silo knows; value 1",
            ["address", "name", "status"]);
        _auditRecords = factory.CreateCounter("gateway_audit_records_total", "Audit records this node committed, by table", ["table"]);
        _consumerCache = factory.CreateCounter("gateway_consumer_cache_total", "Consumer and credential look-ups by the node's cache: hit, or miss (a grain call)", ["result"]);
        var decisions = factory.CreateCounter("gateway_ratelimit_decisions_total",
            "rate-limiting decisions by policy and outcome (error: the policy's counters failed)", ["policy", "outcome"]);

        // The request path's children, made once: no label look-up per request.
        string[] outcomes = ["allowed", "rejected", "error"];
        _rateLimitDecisions = new Counter.Child[RateLimitPolicies.Length, outcomes.Length];
        for (var p = 0; p < RateLimitPolicies.Length; p++)
        {
            for (var o = 0; o < outcomes.Length; o++)
            {
                _rateLimitDecisions[p, o] = decisions.WithLabels(RateLimitPolicies[p], outcomes[o]);
            }
        }
    }

    /// <summary>Counts one rate-limiting decision of <paramref name="policy"/> (local, cluster or redis).</summary>
    public void RateLimitDecided(string policy, RateLimitOutcome outcome) =>
        _rateLimitDecisions[Math.Max(0, Array.IndexOf(RateLimitPolicies, policy)), (int)outcome].Inc();

    /// <summary>The plugin phase timings; null unless plugin_latency_metrics is on.</summary>
    public PluginLatency? PluginLatency { get; }

    /// <summary>A write's push was applied: <paramref name="elapsed"/> after its commit.</summary>
    public void ConfigPropagated(TimeSpan elapsed) => _propagation.Observe(Math.Max(0, elapsed.TotalSeconds));

    /// <inheritdoc/>
    public void Written(IReadOnlyList<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            _auditRecords.WithLabels(entry.Table == AuditTable.Requests ? "audit_requests" : "audit_objects").Inc();
        }
    }

    /// <summary>Sets the gauges from the node's state now and writes every family that has a sample.</summary>
    public async Task WriteAsync(Stream output, NodeState state, CancellationToken cancellationToken)
    {
        lock (_scrapeLock)
        {
            _configVersion.WithLabels(state.NodeId).Set(state.ConfigVersion);
            if (state.ConsumerCache is var (hits, misses) && hits + misses > 0)
            {
                _consumerCache.WithLabels("hit").IncTo(hits);
                _consumerCache.WithLabels("miss").IncTo(misses);
            }

            // Members come and go: each scrape shows the set as it is now.
            MetricsText.Clear(_members);
            MetricsText.Clear(_memberInfo);

            foreach (var (address, name, status) in state.Members)
            {
                _memberInfo.WithLabels(address, name, status).Set(1);
                _members.WithLabels(status).Inc();
            }
        }

        await MetricsText.WriteAsync(_registry, output, cancellationToken);
    }

    /// <summary>What a scrape reads from the node.</summary>
    /// <param name="NodeId">This node's id.</param>
    /// <param name="ConfigVersion">The config version it serves.</param>
    /// <param name="Members">The silos its silo knows: address, name, status.</param>
    /// <param name="ConsumerCache">The consumer cache's hits and misses since start.</param>
    public sealed record NodeState(
        string NodeId, long ConfigVersion, IEnumerable<(string Address, string Name, string Status)> Members, (long Hits, long Misses) ConsumerCache);
}
