using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.RequestTermination;

/// <summary>The request-termination plugin's config (Kong 3.9 kong/plugins/request-termination/schema.lua).</summary>
public static class RequestTerminationSchema
{
    /// <summary>Kong's request-termination handler PRIORITY.</summary>
    public const int Priority = 2;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("request-termination", Priority, Record("config", "The request-termination settings.",
        Int("status_code", "The response code to send, between 100 and 599.", 503) with { Required = true, Between = (100, 599) },
        Str("message", "The message to send with the default response generator."),
        Str("content_type", "Content type of the raw response configured with body."),
        Str("body", "The raw response body to send; exclusive with message."),
        Bool("echo", false, "Whether to echo a copy of the request back to the client (debugging)."),
        HeaderName("trigger", description: "A header or query parameter that must be present for the plugin to terminate the request.")) with
    {
        Custom = CheckCombinations,
    });

    /// <summary>Kong's custom validator: message, body/content_type and echo do not combine. Its message is config's whole error.</summary>
    private static string? CheckCombinations(JsonNode config)
    {
        var message = ConfigChecks.IsNonEmpty(config["message"]);
        var contentType = ConfigChecks.IsNonEmpty(config["content_type"]);
        var body = ConfigChecks.IsNonEmpty(config["body"]);
        var echo = config["echo"] is JsonValue e && e.GetValue<bool>();
        return message && (contentType || body) ? "message cannot be used with content_type or body"
            : contentType && !body ? "content_type requires a body"
            : echo && (contentType || body) ? "echo cannot be used with content_type and body"
            : null;
    }
}
