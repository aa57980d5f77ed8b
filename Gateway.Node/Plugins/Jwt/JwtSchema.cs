using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Jwt;

/// <summary>The jwt plugin's config (Kong 3.9 kong/plugins/jwt/schema.lua).</summary>
public static class JwtSchema
{
    /// <summary>Kong's jwt handler PRIORITY.</summary>
    public const int Priority = 1450;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("jwt", Priority, Record("config", "The jwt settings.",
        Set("uri_param_names", Element(), "Query string parameters inspected for a JWT.", Typedefs.Strings("jwt")),
        Set("cookie_names", Element(), "Cookies inspected for a JWT.", Typedefs.Strings()),
        Str("key_claim_name", "The claim holding the key that identifies the secret.", "iss"),
        Bool("secret_is_base64", false, "Whether the secret is base64-encoded."),
        Set("claims_to_verify", Typedefs.String("claim", null, "exp", "nbf"), "Registered claims to verify: exp, nbf."),
        Str("anonymous", "A consumer id or username used as an anonymous consumer when authentication fails."),
        Bool("run_on_preflight", true, "Whether to authenticate OPTIONS preflight requests too."),
        Num("maximum_expiration", "Maximum lifetime of a token in seconds (0: unlimited); needs exp in claims_to_verify.", 0) with
        {
            Between = (0, 31536000),
        },
        Set("header_names", Element(), "HTTP headers inspected for a JWT.", Typedefs.Strings("authorization")),
        Str("realm", "The realm of the WWW-Authenticate header sent when authentication fails.")) with
    {
        Checks = [MaximumExpirationNeedsExp],
    })
    {
        NoConsumer = true,
    };

    /// <summary>Kong's conditional: a positive maximum_expiration requires "exp" among claims_to_verify.</summary>
    private static void MaximumExpirationNeedsExp(JsonObject config, ValidationErrors errors)
    {
        if (config["maximum_expiration"] is JsonValue max && JsonNumbers.ToDouble(max) > 0
            && !(config["claims_to_verify"] as JsonArray ?? []).Any(c => ConfigChecks.IsString(c, "exp")))
        {
            errors.Field("claims_to_verify", "expected to contain: exp");
        }
    }
}
