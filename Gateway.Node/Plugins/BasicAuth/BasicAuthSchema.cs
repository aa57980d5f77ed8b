using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.BasicAuth;

/// <summary>The basic-auth plugin's config (Kong 3.9 kong/plugins/basic-auth/schema.lua).</summary>
public static class BasicAuthSchema
{
    /// <summary>Kong's basic-auth handler PRIORITY.</summary>
    public const int Priority = 1100;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("basic-auth", Priority, Record("config", "The basic-auth settings.",
        Str("anonymous", "A consumer id or username used as an anonymous consumer when authentication fails."),
        Bool("hide_credentials", false, "Whether to strip the Authorization header before proxying the request."),
        Str("realm", "The realm of the WWW-Authenticate header sent when authentication fails.", "service") with { Required = true }))
    {
        NoConsumer = true,
    };
}
