using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.CorrelationId;

/// <summary>The correlation-id plugin's config (Kong 3.9 kong/plugins/correlation-id/schema.lua).</summary>
public static class CorrelationIdSchema
{
    /// <summary>Kong's correlation-id handler PRIORITY (runs first of all bundled plugins since 3.0).</summary>
    public const int Priority = 100001;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("correlation-id", Priority, Record("config", "The correlation-id settings.",
        Str("header_name", "The HTTP header name to use for the correlation ID.", "Kong-Request-ID"),
        Str("generator", "The generator for the correlation ID.", "uuid#counter", "uuid", "uuid#counter", "tracker") with { Required = true },
        Bool("echo_downstream", false, "Whether to echo the header back to the client.")));
}
