using System.Text.Json.Nodes;
using Gateway.Node.Plugins.OpenTelemetry;
using Gateway.Node.Plugins.Queues;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Zipkin;

/// <summary>The zipkin plugin's config (Kong 3.9 kong/plugins/zipkin/schema.lua).</summary>
public static class ZipkinSchema
{
    /// <summary>Kong's zipkin handler PRIORITY: first, so the timestamps it takes open each phase.</summary>
    public const int Priority = 100000;

    /// <summary>The tag names Kong sets itself, which <c>static_tags</c> may not name.</summary>
    public static readonly string[] ProtectedTags =
    [
        "error", "http.method", "http.path", "http.status_code", "kong.balancer.state", "kong.balancer.try", "kong.consumer",
        "kong.credential", "kong.node.id", "kong.route", "kong.service", "lc", "peer.hostname",
    ];

    /// <summary>The values of the deprecated <c>default_header_type</c>.</summary>
    private static readonly string[] HeaderFormats = ["b3", "b3-single", "w3c", "jaeger", "ot", "aws", "datadog", "gcp"];

    /// <summary>
    /// One static tag. Kong refuses a protected name on the element's <c>name</c> (<c>not_one_of</c>); the engine
    /// reports a record element's nested errors as "invalid value", so the check sits on the element, which keeps
    /// Kong's message.
    /// </summary>
    private static readonly Field StaticTag = new("element", FieldType.Record)
    {
        Fields =
        [
            new Field("name", FieldType.String) { Required = true },
            new Field("value", FieldType.String) { Required = true },
        ],
        Custom = ProtectedName,
    };

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("zipkin", Priority, Record("config", "The zipkin settings.",
        Str("local_service_name", "The name of the service as displayed in Zipkin.", "kong") with { Required = true },
        Url("http_endpoint", "The full HTTP(S) URL spans are POSTed to (Zipkin's /api/v2/spans); none sends nothing."),
        Num("sample_ratio", "How often to sample requests that carry no sampling decision: 0 never, 1 always.", 0.001) with { Between = (0, 1) },
        Str("default_service_name", "The remote service name of spans of requests that matched no service."),
        Bool("include_credential", true, "Whether the authenticated credential's id is tagged (kong.credential)."),
        Int("traceid_byte_count", "The length in bytes of the trace ids the plugin starts.", 16) with { Required = true, OneOf = ["8", "16"] },
        Str("header_type", "Deprecated: use propagation.", "preserve",
            "preserve", "ignore", "b3", "b3-single", "w3c", "jaeger", "ot", "aws", "datadog", "gcp") with
        { Required = true },
        Str("default_header_type", "Deprecated: use propagation.default_format.", "b3", HeaderFormats) with { Required = true },
        Str("tags_header", "The request header whose name=value pairs (separated by ';') are added as tags.", "Zipkin-Tags") with { Required = true },
        Array("static_tags", StaticTag, "Tags added to every request span.") with { Custom = RepeatedTags },
        Str("http_span_name", "The request span's name: the method, or the method and the path.", "method", "method", "method_path") with { Required = true },
        Timeout("connect_timeout", "Milliseconds to connect to the endpoint.", 2000),
        Timeout("send_timeout", "Milliseconds to send the spans.", 5000),
        Timeout("read_timeout", "Milliseconds to wait for the endpoint's answer.", 5000),
        Str("http_response_header_for_traceid", "A response header that gets the trace id."),
        Str("phase_duration_flavor", "How phase durations are reported: annotations, or kong.PHASE.duration_ms tags.", "annotations",
            "annotations", "tags") with
        { Required = true },
        QueueConfig.Field,
        OpenTelemetrySchema.Propagation("b3")))
    {
        // Kong's typedefs.protocols: every protocol (zipkin traces stream connections too), the HTTP ones by default.
        AllowedProtocols = Typedefs.AllProtocols,
    };

    private static string? ProtectedName(JsonNode tag) =>
        tag["name"] is JsonValue name && name.TryGetValue<string>(out var text) && ProtectedTags.Contains(text, StringComparer.Ordinal)
            ? $"must not be one of: {string.Join(", ", ProtectedTags)}"
            : null;

    /// <summary>Kong's validate_static_tags: a name given twice is refused.</summary>
    private static string? RepeatedTags(JsonNode tags)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags.AsArray())
        {
            if (tag?["name"] is JsonValue name && name.TryGetValue<string>(out var text) && !seen.Add(text))
            {
                return $"repeated tags are not allowed: {text}";
            }
        }

        return null;
    }
}
