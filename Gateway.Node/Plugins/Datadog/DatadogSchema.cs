using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Queues;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Datadog;

/// <summary>The datadog plugin's config (Kong 3.9 kong/plugins/datadog/schema.lua).</summary>
public static class DatadogSchema
{
    /// <summary>Kong's datadog handler PRIORITY.</summary>
    public const int Priority = 10;

    private static readonly string[] StatNames = ["kong_latency", "latency", "request_count", "request_size", "response_size", "upstream_latency"];
    private static readonly string[] StatTypes = ["counter", "gauge", "histogram", "meter", "set", "timer", "distribution"];
    private static readonly string[] ConsumerIdentifiers = ["consumer_id", "custom_id", "username"];

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("datadog", Priority, Record("config", "The datadog settings.",
        Host("host", "The IP address or host name to send data to; when null, the KONG_DATADOG_AGENT_HOST environment variable.")
            with
        { Default = JsonValue.Create("localhost") },
        Port("port", "The port to send data to on the upstream server; when null, the KONG_DATADOG_AGENT_PORT environment variable.", 8125),
        Str("prefix", "String to be attached as a prefix to a metric's name.", "kong"),
        Str("service_name_tag", "String to be attached as the name of the service.", "name"),
        Str("status_tag", "String to be attached as the tag of the HTTP status.", "status"),
        Str("consumer_tag", "String to be attached as tag of the consumer.", "consumer"),
        Int("retry_count", "Deprecated, has no effect: use queue.max_retry_time."),
        Int("queue_size", "Deprecated: use queue.max_batch_size; a value other than 1 replaces it."),
        Num("flush_timeout", "Deprecated: use queue.max_coalescing_delay; a value other than 2 replaces it."),
        QueueConfig.Field,
        Array("metrics", new Field("metric", FieldType.Record)
        {
            Fields =
            [
                Str("name", "Datadog metric's name", null, StatNames) with { Required = true },
                Str("stat_type", "Determines what sort of event the metric represents", null, StatTypes) with { Required = true },
                Array("tags", new Field("tag", FieldType.String)
                {
                    Custom = Typedefs.StringCheck(t => t.Length > 0 && t[^1] != ':' ? null : $"invalid value: {t}"),
                }, "List of tags"),
                Num("sample_rate", "Sampling rate") with { Between = (0, 1) },
                Str("consumer_identifier", "Authenticated user detail", null, ConsumerIdentifiers),
            ],
            Checks = [SampleRateForCountersAndGauges],
            Description = "One metric to log.",
        }, "List of metrics to be logged.", DefaultMetrics()) with
        { Required = true }))
    {
        // Kong's typedefs.protocols: every protocol, the HTTP ones by default.
        AllowedProtocols = Typedefs.AllProtocols,
    };

    /// <summary>Kong's default metrics: each tagged app:kong, consumers by custom_id.</summary>
    private static JsonArray DefaultMetrics() =>
    [
        Metric("request_count", "counter", 1),
        Metric("latency", "timer", null),
        Metric("request_size", "timer", null),
        Metric("response_size", "timer", null),
        Metric("upstream_latency", "timer", null),
        Metric("kong_latency", "timer", null),
    ];

    private static JsonObject Metric(string name, string statType, double? sampleRate) => new()
    {
        ["name"] = name,
        ["stat_type"] = statType,
        ["tags"] = Typedefs.Strings("app:kong"),
        ["sample_rate"] = sampleRate is { } rate ? Number(rate) : null,
        ["consumer_identifier"] = "custom_id",
    };

    /// <summary>Kong's conditional: a counter or a gauge needs a sample_rate.</summary>
    private static void SampleRateForCountersAndGauges(JsonObject metric, ValidationErrors errors)
    {
        if ((ConfigChecks.IsString(metric["stat_type"], "counter") || ConfigChecks.IsString(metric["stat_type"], "gauge")) && metric["sample_rate"] is null)
        {
            errors.Field("sample_rate", "required field missing");
        }
    }
}
