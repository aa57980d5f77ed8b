using System.Text.Json.Serialization;
using Gateway.Node.Plugins.Queues;

namespace Gateway.Node.Plugins.Datadog;

/// <summary>The datadog config (see <see cref="DatadogSchema"/>); a null host or port falls back to KONG_DATADOG_AGENT_HOST / _PORT.</summary>
public sealed record DatadogConfig(
    string? Host,
    int? Port,
    string Prefix,
    string ServiceNameTag,
    string StatusTag,
    string ConsumerTag,
    QueueSettings Queue,
    List<DatadogMetric> Metrics)
{
    /// <summary>The plugin row this config belongs to: its queue is the row's.</summary>
    [JsonIgnore]
    public string InstanceId { get; init; } = "";

    /// <summary>Kong's deprecated <c>retry_count</c>: accepted, no effect.</summary>
    public long? RetryCount { get; init; }

    /// <summary>Kong's deprecated <c>queue_size</c>.</summary>
    public int? QueueSize { get; init; }

    /// <summary>Kong's deprecated <c>flush_timeout</c>.</summary>
    public double? FlushTimeout { get; init; }
}

/// <summary>One entry of datadog's <c>metrics</c>.</summary>
public sealed record DatadogMetric(string Name, string StatType, List<string>? Tags, double? SampleRate, string? ConsumerIdentifier);
