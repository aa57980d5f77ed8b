using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.TcpLog;

/// <summary>The tcp-log plugin's config (Kong 3.9 kong/plugins/tcp-log/schema.lua).</summary>
public static class TcpLogSchema
{
    /// <summary>Kong's tcp-log handler PRIORITY.</summary>
    public const int Priority = 7;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("tcp-log", Priority, Record("config", "The tcp-log settings.",
        Host("host", "The IP address or host name to send data to.") with { Required = true },
        Port("port", "The port to send data to on the upstream server.") with { Required = true },
        Num("timeout", "An optional timeout in milliseconds when sending data to the upstream server.", 10000),
        Num("keepalive", "An optional value in milliseconds that defines how long an idle connection lives before being closed.", 60000),
        Bool("tls", false, "Indicates whether to perform a TLS handshake against the remote server."),
        Str("tls_sni", "An optional string that defines the SNI (Server Name Indication) hostname to send in the TLS handshake."),
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
