using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.FileLog;

/// <summary>The file-log plugin's config (Kong 3.9 kong/plugins/file-log/schema.lua).</summary>
public static class FileLogSchema
{
    /// <summary>Kong's file-log handler PRIORITY.</summary>
    public const int Priority = 9;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("file-log", Priority, Record("config", "The file-log settings.",
        new Field("path", FieldType.String)
        {
            Required = true,
            Custom = v => v.GetValue<string>().IndexOfAny(['*', '&', '%', '\\', '`']) >= 0 ? "not a valid filename" : null,
            Description = "The file path of the output log file, created if missing.",
        },
        Bool("reopen", false, "Whether to close and reopen the log file on every request."),
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
}
