using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.UdpLog;

/// <summary>The udp-log plugin's config (Kong 3.9 kong/plugins/udp-log/schema.lua).</summary>
public static class UdpLogSchema
{
    /// <summary>Kong's udp-log handler PRIORITY.</summary>
    public const int Priority = 8;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("udp-log", Priority, Record("config", "The udp-log settings.",
        Host("host", "The IP address or host name to send data to.") with { Required = true },
        Port("port", "The port to send data to on the upstream server.") with { Required = true },
        Num("timeout", "An optional timeout in milliseconds when sending data to the upstream server.", 10000),
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
