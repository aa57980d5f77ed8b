using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Acl;

/// <summary>The acl plugin's config (Kong 3.9 kong/plugins/acl/schema.lua).</summary>
public static class AclSchema
{
    /// <summary>Kong's acl handler PRIORITY.</summary>
    public const int Priority = 950;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("acl", Priority, Record("config", "The acl settings.",
        Array("allow", Element(), "Consumer groups allowed to use the service or route."),
        Array("deny", Element(), "Consumer groups denied the service or route."),
        Bool("hide_groups_header", false, "Whether to hide the X-Consumer-Groups header from the upstream."),
        Bool("always_use_authenticated_groups", false,
            "Whether to use the groups of the authenticated credential's consumer even when anonymous is configured.")) with
    {
        Checks = [ConfigChecks.OnlyOneOf("config.", "allow", "deny"), ConfigChecks.AtLeastOneOf("config.", "allow", "deny")],
    })
    {
        NoConsumer = true,
    };
}
