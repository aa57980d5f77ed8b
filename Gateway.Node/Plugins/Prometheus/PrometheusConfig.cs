namespace Gateway.Node.Plugins.Prometheus;

/// <summary>The prometheus config (see <see cref="PrometheusSchema"/>): which metric families this row feeds.</summary>
public sealed record PrometheusConfig(
    bool PerConsumer,
    bool StatusCodeMetrics,
    bool AiMetrics,
    bool LatencyMetrics,
    bool BandwidthMetrics,
    bool UpstreamHealthMetrics);
