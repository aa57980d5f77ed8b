using System.Text.Json.Serialization;

namespace Gateway.Node.Plugins.TcpLog;

/// <summary>The tcp-log config (see <see cref="TcpLogSchema"/>); times in milliseconds; <c>custom_fields_by_lua</c> is Lua and is not evaluated.</summary>
public sealed record TcpLogConfig(string Host, int Port, double Timeout, double Keepalive, bool Tls, string? TlsSni)
{
    /// <summary>The plugin row this config belongs to: its queue is the row's.</summary>
    [JsonIgnore]
    public string InstanceId { get; init; } = "";

    /// <summary>The names of Kong's Lua-computed log fields, which this gateway does not evaluate.</summary>
    public Dictionary<string, string>? CustomFieldsByLua { get; init; }
}
