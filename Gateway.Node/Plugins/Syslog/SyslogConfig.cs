using System.Text.Json.Serialization;

namespace Gateway.Node.Plugins.Syslog;

/// <summary>The syslog config (see <see cref="SyslogSchema"/>); <c>custom_fields_by_lua</c> is Lua and is not evaluated.</summary>
public sealed record SyslogConfig(string LogLevel, string SuccessfulSeverity, string ClientErrorsSeverity, string ServerErrorsSeverity, string Facility)
{
    /// <summary>The plugin row this config belongs to: its queue is the row's.</summary>
    [JsonIgnore]
    public string InstanceId { get; init; } = "";

    /// <summary>The names of Kong's Lua-computed log fields, which this gateway does not evaluate.</summary>
    public Dictionary<string, string>? CustomFieldsByLua { get; init; }
}
