using Gateway.Node.Plugins.Queues;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.OpenTelemetry;

/// <summary>The opentelemetry plugin's config (Kong 3.9 kong/plugins/opentelemetry/schema.lua, propagation from kong/observability/tracing/propagation/schema.lua).</summary>
public static class OpenTelemetrySchema
{
    /// <summary>Kong's opentelemetry handler PRIORITY.</summary>
    public const int Priority = 14;

    /// <summary>The header formats, as Kong names them.</summary>
    public static readonly string[] Formats = ["w3c", "b3", "b3-single", "jaeger", "ot", "datadog", "aws", "gcp"];

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("opentelemetry", Priority, Record("config", "The opentelemetry settings.",
        Url("traces_endpoint", "The full HTTP(S) URL spans are sent to with OTLP/HTTP (protobuf).") with { Referenceable = true },
        Url("logs_endpoint", "The full HTTP(S) URL log records are sent to with OTLP/HTTP (protobuf).") with { Referenceable = true },
        new Field("headers", FieldType.Map)
        {
            Keys = Typedefs.HeaderName("header"),
            Values = new Field("value", FieldType.String) { Referenceable = true },
            Description = "Headers added to each export request.",
        },
        new Field("resource_attributes", FieldType.Map)
        {
            Keys = new Field("name", FieldType.String) { Required = true },
            Values = new Field("value", FieldType.String) { Required = true, Custom = v => v.GetValue<string>().Length == 0 ? "required field missing" : null },
            Description = "Attributes of the resource the spans come from; service.name (kong), service.version and service.instance.id are set unless given.",
        },
        QueueConfig.For(200),
        Int("batch_span_count", "Deprecated: use queue.max_batch_size."),
        Int("batch_flush_delay", "Deprecated: use queue.max_coalescing_delay."),
        Timeout("connect_timeout", "Milliseconds to connect to the endpoint.", 1000),
        Timeout("send_timeout", "Milliseconds to send an export request.", 5000),
        Timeout("read_timeout", "Milliseconds to wait for the endpoint's answer.", 5000),
        Str("http_response_header_for_traceid", "A response header that gets the trace id."),
        Str("header_type", "Deprecated: use propagation.", "preserve", "preserve", "ignore", "b3", "b3-single", "w3c", "jaeger", "ot", "aws", "gcp", "datadog"),
        Num("sampling_rate", "Share of requests traced (0 to 1); tracing_sampling_rate when unset.") with { Between = (0, 1) },
        Propagation("w3c")) with
    {
        Checks = [ConfigChecks.AtLeastOneOf("config.", "traces_endpoint", "logs_endpoint")],
        Moved = new Dictionary<string, string[]> { ["endpoint"] = ["traces_endpoint"] },
    });

    /// <summary>The <c>propagation</c> record of the tracing plugins, with the plugin's <c>default_format</c>.</summary>
    public static Field Propagation(string defaultFormat) => Record("propagation", "How trace headers are read from requests and written to upstreams.",
        Array("extract", Str("element", "A header format.", null, [.. Formats.Where(f => f != "b3-single")]),
            "Header formats read from the request, in order; the first found is used. Empty: no parent, a new trace id."),
        Array("clear", Typedefs.HeaderName("element"), "Headers removed from the request after extraction."),
        Array("inject", Str("element", "A header format, or preserve.", null, ["preserve", .. Formats]),
            "Header formats written to the upstream request; preserve writes the format the request came in."),
        Str("default_format", "The format preserve writes when the request carried none.", defaultFormat, Formats) with { Required = true });
}
