using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Queues;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.HttpLog;

/// <summary>The http-log plugin's config (Kong 3.9 kong/plugins/http-log/schema.lua).</summary>
public static class HttpLogSchema
{
    /// <summary>Kong's http-log handler PRIORITY.</summary>
    public const int Priority = 12;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("http-log", Priority, Record("config", "The http-log settings.",
        Url("http_endpoint", "The HTTP URL the log entries are sent to; may carry user info for basic auth.") with { Required = true, Referenceable = true },
        Str("method", "The HTTP method used to send the log entries.", "POST", "POST", "PUT", "PATCH"),
        Str("content_type", "The Content-Type of the log requests.", "application/json",
            "application/json", "application/json; charset=utf-8"),
        Num("timeout", "Timeout in milliseconds of a log request.", 10000),
        Num("keepalive", "Milliseconds an idle connection to the endpoint is kept open.", 60000),

        // Kong 3.x keeps its pre-3.3 queue settings, deprecated until 4.0, so older configs still load.
        Int("retry_count", "Deprecated, has no effect: use queue.max_retry_time."),
        Int("queue_size", "Deprecated: use queue.max_batch_size; a value other than 1 replaces it."),
        Num("flush_timeout", "Deprecated: use queue.max_coalescing_delay; a value other than 2 replaces it."),
        new Field("headers", FieldType.Map)
        {
            Keys = new Field("header", FieldType.String) { Custom = v => ValidateHeaderKey(v.GetValue<string>()) },
            Values = new Field("value", FieldType.String) { Referenceable = true },
            Description = "Headers added to each log request.",
        },
        QueueConfig.Field,
        new Field("custom_fields_by_lua", FieldType.Map)
        {
            Keys = new Field("name", FieldType.String),
            Values = new Field("code", FieldType.String),
            Description = "Kong's Lua expressions for extra log fields; kept for compatibility, not evaluated.",
        }) with
    {
        Checks = [CheckAuthorization],
    })
    {
        // Kong's typedefs.protocols: every protocol, the HTTP ones by default.
        AllowedProtocols = Typedefs.AllProtocols,
    };

    private static string? ValidateHeaderKey(string name)
    {
        if (Typedefs.ValidateHeaderName(name) is { } error)
        {
            return error;
        }

        foreach (var reserved in (string[])["Host", "Content-Length", "Content-Type"])
        {
            if (string.Equals(name, reserved, StringComparison.OrdinalIgnoreCase))
            {
                return $"cannot contain '{reserved}' header";
            }
        }

        return null;
    }

    /// <summary>Kong refuses credentials both in the URL's user info and in an Authorization header.</summary>
    private static void CheckAuthorization(JsonObject config, ValidationErrors errors)
    {
        var endpoint = config["http_endpoint"]?.GetValue<string>();
        var hasUserInfo = endpoint is not null && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0;
        var hasAuthorization = config["headers"] is JsonObject headers
            && headers.Any(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase));
        if (hasUserInfo && hasAuthorization)
        {
            errors.Entity("specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed");
        }
    }
}
