using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.RequestSizeLimiting;

/// <summary>The request-size-limiting plugin's config (Kong 3.9 kong/plugins/request-size-limiting/schema.lua).</summary>
public static class RequestSizeLimitingSchema
{
    /// <summary>Kong's request-size-limiting handler PRIORITY.</summary>
    public const int Priority = 951;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("request-size-limiting", Priority, Record("config", "The request-size-limiting settings.",
        Int("allowed_payload_size", "Allowed request payload size, in size_unit.", 128) with { Required = true },
        Str("size_unit", "The unit of allowed_payload_size.", "megabytes", "megabytes", "kilobytes", "bytes") with { Required = true },
        Bool("require_content_length", false, "Whether requests must carry a Content-Length header.")));
}
