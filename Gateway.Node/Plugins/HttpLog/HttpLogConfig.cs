using System.Text.Json.Serialization;

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
}
