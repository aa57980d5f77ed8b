using System.Text.Json.Serialization;
using Gateway.Node.Plugins.Queues;

namespace Gateway.Node.Plugins.Statsd;

/// <summary>The statsd config (see <see cref="StatsdSchema"/>).</summary>
public sealed record StatsdConfig(
    string Host,
    int Port,
    string Prefix,
    List<StatsdMetric> Metrics,
    List<string>? AllowStatusCodes,
    double UdpPacketSize,
    bool UseTcp,
    bool HostnameInPrefix,
    string ConsumerIdentifierDefault,
    string ServiceIdentifierDefault,
    string WorkspaceIdentifierDefault,
    string? TagStyle,
    QueueSettings Queue)
{
    /// <summary>The plugin row this config belongs to: its queue is the row's.</summary>
    [JsonIgnore]
    public string InstanceId { get; init; } = "";

    /// <summary><c>allow_status_codes</c> as inclusive ranges; null when every status is allowed.</summary>
    [JsonIgnore]
    public (int From, int To)[]? StatusRanges { get; init; }

    /// <summary>What every metric name starts with: <c>prefix</c>, with <c>.node.HOSTNAME</c> for <c>hostname_in_prefix</c>.</summary>
    [JsonIgnore]
    public string NamePrefix { get; init; } = "kong";

    /// <summary>Kong's deprecated <c>retry_count</c>: accepted, no effect.</summary>
    public long? RetryCount { get; init; }

    /// <summary>Kong's deprecated <c>queue_size</c>.</summary>
    public int? QueueSize { get; init; }

    /// <summary>Kong's deprecated <c>flush_timeout</c>.</summary>
    public double? FlushTimeout { get; init; }
}

/// <summary>One entry of statsd's <c>metrics</c>.</summary>
public sealed record StatsdMetric(
    string Name,
    string StatType,
    double? SampleRate,
    string? ConsumerIdentifier,
    string? ServiceIdentifier,
    string? WorkspaceIdentifier);
