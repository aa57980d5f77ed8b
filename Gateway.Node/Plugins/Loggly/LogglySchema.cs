using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Loggly;

/// <summary>The loggly plugin's config (Kong 3.9 kong/plugins/loggly/schema.lua).</summary>
public static class LogglySchema
{
    /// <summary>Kong's loggly handler PRIORITY.</summary>
    public const int Priority = 6;

    /// <summary>The syslog severities, Kong's names, by their number (emerg 0 to debug 7).</summary>
    public static readonly string[] Severities = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("loggly", Priority, Record("config", "The loggly settings.",
        Host("host", "The IP address or host name of Loggly server.") with { Default = JsonValue.Create("logs-01.loggly.com") },
        Port("port", "The UDP port to send data to on the Loggly server.", 514),
        Str("key", "Loggly customer token.") with { Required = true, Referenceable = true },
        Set("tags", Element(), "An optional list of tags to support segmentation and filtering of logs.", Typedefs.Strings("kong")),
        Severity("log_level", "A request is logged when its severity is this one or a more severe one."),
        Severity("successful_severity", "The severity of a request answered with a status below 400."),
        Severity("client_errors_severity", "The severity of a request answered with a status from 400 to 499."),
        Severity("server_errors_severity", "The severity of a request answered with a status of 500 or more."),
        Num("timeout", "An optional timeout in milliseconds when sending data to the Loggly server.", 10000),
        new Field("custom_fields_by_lua", FieldType.Map)
        {
            Keys = new Field("name", FieldType.String),
            Values = new Field("code", FieldType.String),
            Description = "Kong's Lua expressions for extra log fields; kept for compatibility, not evaluated.",
        }))
    {
        // Kong's typedefs.protocols: every protocol, the HTTP ones by default.
        AllowedProtocols = Typedefs.AllProtocols,
    };

    private static Field Severity(string name, string description) =>
        Str(name, description, "info", "debug", "info", "notice", "warning", "err", "crit", "alert", "emerg");
}
