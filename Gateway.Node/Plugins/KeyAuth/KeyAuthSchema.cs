using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.KeyAuth;

/// <summary>The key-auth plugin's config (Kong 3.9 kong/plugins/key-auth/schema.lua).</summary>
public static class KeyAuthSchema
{
    /// <summary>Kong's key-auth handler PRIORITY.</summary>
    public const int Priority = 1250;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("key-auth", Priority, Record("config", "The key-auth settings.",
        Array("key_names", HeaderName("key_name"),
            "Parameter names where the plugin looks for a key: headers, query string parameters or body fields.",
            Typedefs.Strings("apikey")) with
        { Required = true },
        Bool("hide_credentials", false, "Whether to strip the credential from the request before proxying it."),
        Str("anonymous", "A consumer id or username used as an anonymous consumer when authentication fails."),
        Bool("key_in_header", true, "Whether to read the key from request headers."),
        Bool("key_in_query", true, "Whether to read the key from the query string."),
        Bool("key_in_body", false, "Whether to read the key from the request body (form, JSON or multipart)."),
        Bool("run_on_preflight", true, "Whether to authenticate OPTIONS preflight requests too."),
        Str("realm", "The realm of the WWW-Authenticate header sent when authentication fails.")))
    {
        NoConsumer = true,
    };
}
