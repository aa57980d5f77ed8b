using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.HmacAuth;

/// <summary>The hmac-auth plugin's config (Kong 3.9 kong/plugins/hmac-auth/schema.lua).</summary>
public static class HmacAuthSchema
{
    /// <summary>Kong's hmac-auth handler PRIORITY.</summary>
    public const int Priority = 1030;

    /// <summary>The HMAC algorithms Kong accepts, in Kong's order.</summary>
    public static readonly string[] Algorithms = ["hmac-sha1", "hmac-sha256", "hmac-sha384", "hmac-sha512"];

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("hmac-auth", Priority, Record("config", "The hmac-auth settings.",
        Bool("hide_credentials", false, "Whether to strip the credential from the request before proxying it."),
        Num("clock_skew", "Allowed clock skew in seconds, against replay attacks.", 300) with { Gt = 0 },
        Str("anonymous", "A consumer id or username used as an anonymous consumer when authentication fails."),
        Bool("validate_request_body", false, "Whether to validate the request body digest."),
        Strings("enforce_headers", "Headers the client must at least sign."),
        Array("algorithms", Typedefs.String("algorithm", null, Algorithms), "The HMAC algorithms the plugin accepts.",
            Typedefs.Strings(Algorithms)),
        Str("realm", "The realm of the WWW-Authenticate header sent when authentication fails.")))
    {
        NoConsumer = true,
    };
}
