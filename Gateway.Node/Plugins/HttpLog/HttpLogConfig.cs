using System.Text.Json.Serialization;
using Gateway.Node.Plugins.Queues;

namespace Gateway.Node.Plugins.HttpLog;

/// <summary>The http-log config (see <see cref="HttpLogSchema"/>); <c>custom_fields_by_lua</c> is Lua and is not evaluated.</summary>
public sealed record HttpLogConfig(
    string HttpEndpoint,
    string Method,
    string ContentType,
    double Timeout,
    double Keepalive,
    Dictionary<string, string>? Headers,
    QueueSettings Queue)
{
    /// <summary>The plugin row this config belongs to: its queue is the row's (Kong names queues by plugin id).</summary>
    [JsonIgnore]
    public string InstanceId { get; init; } = "";

    /// <summary>Kong's deprecated <c>retry_count</c>: accepted, has no effect (Kong warns the same).</summary>
    public long? RetryCount { get; init; }

    /// <summary>Kong's deprecated <c>queue_size</c>: when set and not 1, it is <c>queue.max_batch_size</c>.</summary>
    public int? QueueSize { get; init; }

    /// <summary>Kong's deprecated <c>flush_timeout</c> (seconds): when set and not 2, it is <c>queue.max_coalescing_delay</c>.</summary>
    public double? FlushTimeout { get; init; }

    /// <summary>The names of Kong's Lua-computed log fields, which this gateway does not evaluate.</summary>
    public Dictionary<string, string>? CustomFieldsByLua { get; init; }
}
