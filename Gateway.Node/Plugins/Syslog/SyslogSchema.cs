using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Syslog;

/// <summary>The syslog plugin's config (Kong 3.9 kong/plugins/syslog/schema.lua).</summary>
public static class SyslogSchema
{
    /// <summary>Kong's syslog handler PRIORITY.</summary>
    public const int Priority = 4;

    /// <summary>syslog(3)'s severities, Kong's names, by their number (emerg 0 to debug 7).</summary>
    public static readonly string[] Severities = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

    /// <summary>syslog(3)'s facilities, Kong's names, with their numbers.</summary>
    public static readonly IReadOnlyDictionary<string, int> Facilities = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["auth"] = 4,
        ["authpriv"] = 10,
        ["cron"] = 9,
        ["daemon"] = 3,
        ["ftp"] = 11,
        ["kern"] = 0,
        ["lpr"] = 6,
        ["mail"] = 2,
        ["news"] = 7,
        ["syslog"] = 5,
        ["user"] = 1,
        ["uucp"] = 8,
        ["local0"] = 16,
        ["local1"] = 17,
        ["local2"] = 18,
        ["local3"] = 19,
        ["local4"] = 20,
        ["local5"] = 21,
        ["local6"] = 22,
        ["local7"] = 23,
    };

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("syslog", Priority, Record("config", "The syslog settings.",
        Severity("log_level", "A request is logged when its severity is this one or a more severe one."),
        Severity("successful_severity", "The severity of a request answered with a status below 400."),
        Severity("client_errors_severity", "The severity of a request answered with a status from 400 to 499."),
        Severity("server_errors_severity", "The severity of a request answered with a status of 500 or more."),
        new Field("custom_fields_by_lua", FieldType.Map)
        {
            Keys = new Field("name", FieldType.String),
            Values = new Field("code", FieldType.String),
            Description = "Kong's Lua expressions for extra log fields; kept for compatibility, not evaluated.",
        },
        Str("facility", "The facility is used by the operating system to decide how to handle each log message.", "user",
            "auth", "authpriv", "cron", "daemon", "ftp", "kern", "lpr", "mail", "news", "syslog", "user", "uucp",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7") with
        { Required = true }))
    {
        // Kong's typedefs.protocols: every protocol, the HTTP ones by default.
        AllowedProtocols = Typedefs.AllProtocols,
    };

    private static Field Severity(string name, string description) =>
        Str(name, description, "info", "debug", "info", "notice", "warning", "err", "crit", "alert", "emerg") with { Required = true };
}
