using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.IpRestriction;

/// <summary>The ip-restriction plugin's config (Kong 3.9 kong/plugins/ip-restriction/schema.lua).</summary>
public static class IpRestrictionSchema
{
    /// <summary>Kong's ip-restriction handler PRIORITY.</summary>
    public const int Priority = 990;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("ip-restriction", Priority, Record("config", "The ip-restriction settings.",
        Array("allow", IpOrCidr("ip"), "IP addresses or CIDR ranges allowed."),
        Array("deny", IpOrCidr("ip"), "IP addresses or CIDR ranges denied."),
        Num("status", "The HTTP status of a denied request (403 when unset)."),
        Str("message", "The message of a denied request (\"IP address not allowed\" when unset).")) with
    {
        Checks = [ConfigChecks.AtLeastOneOf("config.", "allow", "deny")],
    })
    {
        // Kong's default protocols for this plugin include the stream ones, in its order (the Admin API
        // shows a new plugin's protocols as this list).
        Protocols = ["http", "https", "tcp", "tls", "grpc", "grpcs"],

        // Kong's typedefs.protocols with that default: every protocol is allowed.
        AllowedProtocols = Typedefs.AllProtocols,
    };
}
