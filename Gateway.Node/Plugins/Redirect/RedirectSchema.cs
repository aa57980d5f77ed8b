using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Redirect;

/// <summary>The redirect plugin's config (Kong 3.9 kong/plugins/redirect/schema.lua).</summary>
public static class RedirectSchema
{
    /// <summary>Kong's redirect handler PRIORITY: after rate limiting, validation and transformation plugins.</summary>
    public const int Priority = 779;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("redirect", Priority, Record("config", "The redirect settings.",
        Int("status_code", "The response code to send. Must be an integer between 100 and 599.", 301) with { Required = true, Between = (100, 599) },
        Url("location", "The URL to redirect to") with { Required = true },
        Typedefs.Boolean("keep_incoming_path", false) with { Description = "Use the incoming request's path and query string in the redirect URL" }));
}
