using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Prometheus;

/// <summary>
/// Kong's prometheus (kong/plugins/prometheus/handler.lua): records each request into the node's
/// <see cref="Metrics"/> from the log phase; the status listener serves them at <c>/metrics</c>.
/// </summary>
public sealed class PrometheusPlugin : GatewayPlugin<PrometheusConfig>
{
    private int _upstreamHealthWanted;

    /// <summary>This node's metric families.</summary>
    public PrometheusMetrics Metrics { get; } = new();

    /// <summary>Whether some row ever enabled <c>upstream_health_metrics</c> (Kong exports target health only then).</summary>
    public bool UpstreamHealthWanted => Volatile.Read(ref _upstreamHealthWanted) == 1;

    /// <inheritdoc />
    public override PluginSchema Schema => PrometheusSchema.Schema;

    /// <inheritdoc />
    public override void Log(PluginLog log, PrometheusConfig config) => Metrics.Record(log, config);

    /// <inheritdoc />
    public override void LogStream(StreamSessionLog log, PrometheusConfig config) => Metrics.RecordStream(log, config);

    /// <inheritdoc />
    protected override PrometheusConfig CreateConfig(System.Text.Json.Nodes.JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance);
        if (compiled.UpstreamHealthMetrics)
        {
            Volatile.Write(ref _upstreamHealthWanted, 1);
        }

        return compiled;
    }
}
