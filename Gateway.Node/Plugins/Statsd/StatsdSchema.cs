using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Node.Plugins.Queues;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Statsd;

/// <summary>The statsd plugin's config (Kong 3.9 kong/plugins/statsd/schema.lua).</summary>
public static partial class StatsdSchema
{
    /// <summary>Kong's statsd handler PRIORITY.</summary>
    public const int Priority = 11;

    private static readonly string[] MetricNames =
    [
        "kong_latency", "latency", "request_count", "request_per_user", "request_size", "response_size", "status_count",
        "status_count_per_user", "unique_users", "upstream_latency", "status_count_per_workspace", "status_count_per_user_per_route",
        "shdict_usage",
    ];

    private static readonly string[] StatTypes = ["counter", "gauge", "histogram", "meter", "set", "timer"];
    private static readonly string[] ConsumerIdentifiers = ["consumer_id", "custom_id", "username"];
    private static readonly string[] ServiceIdentifiers = ["service_id", "service_name", "service_host", "service_name_or_host"];
    private static readonly string[] WorkspaceIdentifiers = ["workspace_id", "workspace_name"];

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("statsd", Priority, Record("config", "The statsd settings.",
        Host("host", "The IP address or hostname of StatsD server to send data to.") with { Default = JsonValue.Create("localhost") },
        Port("port", "The port of StatsD server to send data to.", 8125),
        Str("prefix", "String to prefix to each metric's name.", "kong"),
        Array("metrics", new Field("metric", FieldType.Record)
        {
            Fields =
            [
                Str("name", "StatsD metric's name.", null, MetricNames) with { Required = true },
                Str("stat_type", "Determines what sort of event a metric represents.", null, StatTypes) with { Required = true },
                Num("sample_rate", "Sampling rate") with { Gt = 0 },
                Str("consumer_identifier", "Authenticated user detail.", null, ConsumerIdentifiers),
                Str("service_identifier", "Service detail.", null, ServiceIdentifiers),
                Str("workspace_identifier", "Workspace detail.", null, WorkspaceIdentifiers),
            ],
            Checks = [SampleRateForCountersAndGauges],
            Description = "One metric to log.",
        }, "List of metrics to be logged.", DefaultMetrics()),
        Array("allow_status_codes", new Field("range", FieldType.String)
        {
            Custom = Typedefs.StringCheck(v => StatusRange().IsMatch(v) ? null : $"invalid value: {v}"),
        }, "List of status code ranges that are allowed to be logged in metrics."),
        Num("udp_packet_size", "Combine UDP packet up to the size configured. If zero (0), don't combine the UDP packet. Must be a number between 0 and 65507 (inclusive).", 0)
            with
        { Between = (0, 65507) },
        new Field("use_tcp", FieldType.Boolean) { Default = JsonValue.Create(false), Description = "Use TCP instead of UDP." },
        new Field("hostname_in_prefix", FieldType.Boolean) { Default = JsonValue.Create(false), Description = "Include the `hostname` in the `prefix` for each metric name." },
        Str("consumer_identifier_default", "The default consumer identifier of metrics, for a metric that sets none.", "custom_id", ConsumerIdentifiers) with { Required = true },
        Str("service_identifier_default", "The default service identifier of metrics, for a metric that sets none.", "service_name_or_host", ServiceIdentifiers) with { Required = true },
        Str("workspace_identifier_default", "The default workspace identifier of metrics, for a metric that sets none.", "workspace_id", WorkspaceIdentifiers) with { Required = true },
        Int("retry_count", "Deprecated, has no effect: use queue.max_retry_time."),
        Int("queue_size", "Deprecated: use queue.max_batch_size; a value other than 1 replaces it."),
        Num("flush_timeout", "Deprecated: use queue.max_coalescing_delay; a value other than 2 replaces it."),
        Str("tag_style", "The tag style to send metrics with: dogstatsd, influxdb, librato or signalfx; none by default (no tags).", null,
            "dogstatsd", "influxdb", "librato", "signalfx"),
        QueueConfig.Field))
    {
        // Kong's typedefs.protocols: every protocol, the HTTP ones by default.
        AllowedProtocols = Typedefs.AllProtocols,
    };

    /// <summary>Kong's default metrics: each one with the identifiers unset, so the *_identifier_default settings apply.</summary>
    private static JsonArray DefaultMetrics() =>
    [
        Metric("request_count", "counter", 1),
        Metric("latency", "timer", null),
        Metric("request_size", "counter", 1),
        Metric("status_count", "counter", 1),
        Metric("response_size", "counter", 1),
        Metric("unique_users", "set", null),
        Metric("request_per_user", "counter", 1),
        Metric("upstream_latency", "timer", null),
        Metric("kong_latency", "timer", null),
        Metric("status_count_per_user", "counter", 1),
        Metric("status_count_per_workspace", "counter", 1),
        Metric("status_count_per_user_per_route", "counter", 1),
        Metric("shdict_usage", "gauge", 1),
    ];

    private static JsonObject Metric(string name, string statType, double? sampleRate) => new()
    {
        ["name"] = name,
        ["stat_type"] = statType,
        ["sample_rate"] = sampleRate is { } rate ? Number(rate) : null,
        ["consumer_identifier"] = null,
        ["service_identifier"] = null,
        ["workspace_identifier"] = null,
    };

    /// <summary>Kong's conditional: a counter or a gauge needs a sample_rate.</summary>
    private static void SampleRateForCountersAndGauges(JsonObject metric, ValidationErrors errors)
    {
        if ((ConfigChecks.IsString(metric["stat_type"], "counter") || ConfigChecks.IsString(metric["stat_type"], "gauge")) && metric["sample_rate"] is null)
        {
            errors.Field("sample_rate", "required field missing");
        }
    }

    [GeneratedRegex("^[0-9]+-[0-9]+$")]
    private static partial Regex StatusRange();
}
