using System.Text.Json.Serialization;
using Gateway.Node.Observability.Tracing.Propagation;
using Gateway.Node.Plugins.OpenTelemetry;
using Gateway.Node.Plugins.Queues;

namespace Gateway.Node.Plugins.Zipkin;

/// <summary>The zipkin config (see <see cref="ZipkinSchema"/>), with its propagation compiled.</summary>
public sealed record ZipkinConfig(
    string LocalServiceName,
    string? HttpEndpoint,
    double SampleRatio,
    string? DefaultServiceName,
    bool IncludeCredential,
    int TraceidByteCount,
    string HeaderType,
    string DefaultHeaderType,
    string TagsHeader,
    List<StaticTag>? StaticTags,
    string HttpSpanName,
    double ConnectTimeout,
    double SendTimeout,
    double ReadTimeout,
    string? HttpResponseHeaderForTraceid,
    string PhaseDurationFlavor,
    QueueSettings Queue,
    PropagationRecord Propagation)
{
    /// <summary>The plugin row this config belongs to: its queue is the row's.</summary>
    [JsonIgnore]
    public string InstanceId { get; init; } = "";

    /// <summary>The propagation to apply, from <see cref="Propagation"/> or the deprecated header settings.</summary>
    [JsonIgnore]
    public PropagationConfig Compiled { get; init; } = null!;

    /// <summary>Whether the request span is named with the path too (<c>http_span_name</c> method_path).</summary>
    [JsonIgnore]
    public bool SpanNameHasPath => HttpSpanName == "method_path";

    /// <summary>Whether phase durations are tags (<c>phase_duration_flavor</c> tags) rather than annotations.</summary>
    [JsonIgnore]
    public bool DurationsAsTags => PhaseDurationFlavor == "tags";
}

/// <summary>One of <c>static_tags</c>.</summary>
public sealed record StaticTag(string Name, string Value);
