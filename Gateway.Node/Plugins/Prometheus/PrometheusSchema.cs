using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Prometheus;

/// <summary>The prometheus plugin's config (Kong 3.9 kong/plugins/prometheus/schema.lua).</summary>
public static class PrometheusSchema
{
    /// <summary>Kong's prometheus handler PRIORITY.</summary>
    public const int Priority = 13;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("prometheus", Priority, Record("config", "The prometheus settings.",
        Bool("per_consumer", false, "Whether to add a consumer label to metrics.") with { Required = false },
        Bool("status_code_metrics", false, "Whether to export HTTP status code metrics.") with { Required = false },
        Bool("ai_metrics", false, "Whether to export AI metrics.") with { Required = false },
        Bool("latency_metrics", false, "Whether to export latency metrics.") with { Required = false },
        Bool("bandwidth_metrics", false, "Whether to export bandwidth metrics.") with { Required = false },
        Bool("upstream_health_metrics", false, "Whether to export upstream health metrics.") with { Required = false }))
    {
        // Kong's typedefs.protocols: every protocol, the HTTP ones by default.
        AllowedProtocols = Typedefs.AllProtocols,
    };
}
