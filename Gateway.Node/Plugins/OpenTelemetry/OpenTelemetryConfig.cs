using System.Text.Json.Serialization;
using Gateway.Node.Observability.Tracing.Propagation;
using Gateway.Node.Plugins.Queues;

namespace Gateway.Node.Plugins.OpenTelemetry;

/// <summary>The opentelemetry config (see <see cref="OpenTelemetrySchema"/>), with its propagation compiled.</summary>
public sealed record OpenTelemetryConfig(
    string? TracesEndpoint,
    string? LogsEndpoint,
    Dictionary<string, string>? Headers,
    Dictionary<string, string>? ResourceAttributes,
    QueueSettings Queue,
    double ConnectTimeout,
    double SendTimeout,
    double ReadTimeout,
    string? HttpResponseHeaderForTraceid,
    string HeaderType,
    double? SamplingRate,
    PropagationRecord Propagation)
{
    /// <summary>The plugin row this config belongs to: its queues are the row's.</summary>
    [JsonIgnore]
    public string InstanceId { get; init; } = "";

    /// <summary>Kong's deprecated <c>batch_span_count</c>: when set and not 200, it is <c>queue.max_batch_size</c>.</summary>
    public int? BatchSpanCount { get; init; }

    /// <summary>Kong's deprecated <c>batch_flush_delay</c> (seconds): when set and not 3, it is <c>queue.max_coalescing_delay</c>.</summary>
    public int? BatchFlushDelay { get; init; }

    /// <summary>The propagation to apply, from <see cref="Propagation"/> and <see cref="HeaderType"/>.</summary>
    [JsonIgnore]
    public PropagationConfig Compiled { get; init; } = null!;
}

/// <summary>The <c>propagation</c> record as configured.</summary>
public sealed record PropagationRecord(List<string>? Extract, List<string>? Clear, List<string>? Inject, string DefaultFormat);
