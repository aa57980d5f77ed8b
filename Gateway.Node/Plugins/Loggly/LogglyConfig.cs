using System.Text.Json.Serialization;

namespace Gateway.Node.Plugins.Loggly;

/// <summary>The loggly config (see <see cref="LogglySchema"/>); <c>custom_fields_by_lua</c> is Lua and is not evaluated.</summary>
public sealed record LogglyConfig(
    string Host,
    int Port,
    string Key,
    List<string> Tags,
    string LogLevel,
    string SuccessfulSeverity,
    string ClientErrorsSeverity,
    string ServerErrorsSeverity,
    double Timeout)
{
    /// <summary>The plugin row this config belongs to: its queue is the row's.</summary>
    [JsonIgnore]
    public string InstanceId { get; init; } = "";

    /// <summary>The names of Kong's Lua-computed log fields, which this gateway does not evaluate.</summary>
    public Dictionary<string, string>? CustomFieldsByLua { get; init; }
}
