using System.Globalization;
using Gateway.Node.Observability;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;
using Prometheus;

namespace Gateway.Node.Plugins.Prometheus;

/// <summary>
/// Kong's prometheus metric families (kong/plugins/prometheus/exporter.lua) in a prometheus-net
/// registry of this node's own (so nodes sharing a process, as in tests, keep separate numbers). Request
/// metrics are fed from the log phase; node metrics (<c>kong_datastore_reachable</c>, <c>kong_node_info</c>,
/// <c>kong_upstream_target_health</c>) are set by the status endpoint just before each scrape.
/// </summary>
public sealed class PrometheusMetrics
{
    /// <summary>Kong's buckets for the latency Kong adds (milliseconds).</summary>
    public static readonly double[] KongLatencyBuckets = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000];

    /// <summary>Kong's buckets for upstream and total latency (milliseconds).</summary>
    public static readonly double[] UpstreamLatencyBuckets = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000];

    /// <summary>Kong has workspaces; this gateway has the one Kong calls "default".</summary>
    private const string Workspace = "default";

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Counter _requests;
    private readonly Histogram _kongLatency;
    private readonly Histogram _upstreamLatency;
    private readonly Histogram _requestLatency;
    private readonly Counter _bandwidth;
    private readonly Counter _streamSessions;
    private readonly Histogram _sessionDuration;
    private readonly Gauge _datastoreReachable;
    private readonly Gauge _nodeInfo;
    private readonly Gauge _targetHealth;
    private readonly Gauge _requestsSeen;
    private readonly Lock _scrapeLock = new();
    private long _seen;

    /// <summary>Creates the families.</summary>
    public PrometheusMetrics()
    {
        var factory = Metrics.WithCustomRegistry(_registry);
        _requests = factory.CreateCounter("kong_http_requests_total", "HTTP status codes per consumer/service/route in Kong",
            ["service", "route", "code", "source", "workspace", "consumer"]);
        _kongLatency = factory.CreateHistogram("kong_kong_latency_ms", "Latency added by Kong and enabled plugins for each service/route in Kong",
            ["service", "route", "workspace"], new HistogramConfiguration { Buckets = KongLatencyBuckets });
        _upstreamLatency = factory.CreateHistogram("kong_upstream_latency_ms", "Latency added by upstream response for each service/route in Kong",
            ["service", "route", "workspace"], new HistogramConfiguration { Buckets = UpstreamLatencyBuckets });
        _requestLatency = factory.CreateHistogram("kong_request_latency_ms", "Total latency incurred during requests for each service/route in Kong",
            ["service", "route", "workspace"], new HistogramConfiguration { Buckets = UpstreamLatencyBuckets });
        _bandwidth = factory.CreateCounter("kong_bandwidth_bytes", "Total bandwidth (ingress/egress) throughput in bytes",
            ["service", "route", "direction", "workspace", "consumer"]);
        _streamSessions = factory.CreateCounter("kong_stream_sessions_total", "Stream status codes per service/route in Kong",
            ["service", "route", "code", "source", "workspace"]);
        _sessionDuration = factory.CreateHistogram("kong_session_duration_ms", "latency incurred in stream session for each service/route in Kong",
            ["service", "route", "workspace"], new HistogramConfiguration { Buckets = UpstreamLatencyBuckets });
        _datastoreReachable = factory.CreateGauge("kong_datastore_reachable", "Datastore reachable from Kong, 0 is unreachable");
        _nodeInfo = factory.CreateGauge("kong_node_info", "Kong Node metadata information", ["node_id", "version"]);
        _targetHealth = factory.CreateGauge("kong_upstream_target_health",
            "Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, value is 1 when state is populated.",
            ["upstream", "target", "address", "state", "subsystem"]);
        _requestsSeen = factory.CreateGauge("kong_nginx_requests_total", "Number of requests total", ["node_id", "subsystem"]);

        // Kong's Lua library counts the metric updates it failed; dashboards and Kong's own specs expect it, and here it stays 0.
        factory.CreateCounter("kong_nginx_metric_errors_total", "Number of nginx-lua-prometheus errors");
    }

    /// <summary>Requests recorded since start (Kong's <c>kong_nginx_requests_total</c> counts every request; this counts those the plugin saw).</summary>
    public long RequestsSeen => Interlocked.Read(ref _seen);

    /// <summary>Records one finished request, as Kong's exporter <c>log</c> does, for the families the row enables.</summary>
    public void Record(PluginLog log, PrometheusConfig config)
    {
        Interlocked.Increment(ref _seen);

        // Kong records nothing for a request without a service (no route matched, or a serviceless route).
        if (log.Service is not { } s)
        {
            return;
        }

        var service = Text(s["name"]) ?? Text(s["host"]) ?? "";
        var route = log.Route is { } r ? (Text(r["name"]) ?? Text(r["id"]) ?? "") : "";

        // Kong labels by the consumer's username only: a consumer with just a custom_id is "".
        var consumer = config.PerConsumer && log.Consumer is { } c ? (Text(c["username"]) ?? "") : "";
        if (config.StatusCodeMetrics)
        {
            _requests.WithLabels(service, route, log.Status.ToString(CultureInfo.InvariantCulture), Source(log), Workspace, consumer).Inc();
        }

        if (config.LatencyMetrics)
        {
            if (log.RequestLatency >= 0)
            {
                _requestLatency.WithLabels(service, route, Workspace).Observe(log.RequestLatency);
            }

            if (log.ProxyLatency >= 0)
            {
                _upstreamLatency.WithLabels(service, route, Workspace).Observe(log.ProxyLatency);
            }

            if (log.KongLatency >= 0)
            {
                _kongLatency.WithLabels(service, route, Workspace).Observe(log.KongLatency);
            }
        }

        if (config.BandwidthMetrics)
        {
            if (log.RequestSize > 0)
            {
                _bandwidth.WithLabels(service, route, "ingress", Workspace, consumer).Inc(log.RequestSize);
            }

            if (log.ResponseSize > 0)
            {
                _bandwidth.WithLabels(service, route, "egress", Workspace, consumer).Inc(log.ResponseSize);
            }
        }
    }

    /// <summary>
    /// Records one finished stream session, as Kong's exporter does in the stream subsystem: kong_stream_sessions_total
    /// instead of the HTTP status family, kong_session_duration_ms instead of the latency ones.
    /// </summary>
    public void RecordStream(StreamSessionLog log, PrometheusConfig config)
    {
        if (log.Service is not { } s)
        {
            return;
        }

        var service = Text(s["name"]) ?? Text(s["host"]) ?? "";
        var route = log.Route is { } r ? (Text(r["name"]) ?? Text(r["id"]) ?? "") : "";
        if (config.StatusCodeMetrics)
        {
            // "service" once the upstream was reached, "kong" for a session the gateway ended itself.
            var source = log.Tries.Count > 0 && log.Tries[^1].State is null ? "service" : "kong";
            _streamSessions.WithLabels(service, route, log.Status.ToString(CultureInfo.InvariantCulture), source, Workspace).Inc();
        }

        if (config.LatencyMetrics)
        {
            _sessionDuration.WithLabels(service, route, Workspace).Observe(log.SessionLatency);
        }
    }

    /// <summary>
    /// Sets the node gauges and writes every family in Prometheus' text format. <paramref name="targets"/>
    /// lists each upstream target's (upstream, target, address, state); null when no row asks for upstream health.
    /// </summary>
    public async Task WriteAsync(Stream output, bool datastoreReachable, string nodeId, string version,
        IEnumerable<(string Upstream, string Target, string Address, string State)>? targets, CancellationToken cancellationToken)
    {
        lock (_scrapeLock)
        {
            _datastoreReachable.Set(datastoreReachable ? 1 : 0);
            _nodeInfo.WithLabels(nodeId, version).Set(1);
            _requestsSeen.WithLabels(nodeId, "http").Set(RequestsSeen);

            // Kong erases target series before each scrape so removed targets disappear.
            MetricsText.Clear(_targetHealth);

            foreach (var (upstream, target, address, state) in targets ?? [])
            {
                foreach (var candidate in (ReadOnlySpan<string>)["healthchecks_off", "healthy", "unhealthy", "dns_error"])
                {
                    _targetHealth.WithLabels(upstream, target, address, candidate, "http").Set(candidate == state ? 1 : 0);
                }
            }
        }

        await MetricsText.WriteAsync(_registry, output, cancellationToken);
    }

    /// <summary>Kong's exporter: "service" when the upstream answered, "kong" for anything the gateway or a plugin answered.</summary>
    private static string Source(PluginLog log) => log.Source == "upstream" ? "service" : "kong";

    /// <summary>A row's string field; null when missing or JSON null.</summary>
    private static string? Text(System.Text.Json.Nodes.JsonNode? node) =>
        node is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
