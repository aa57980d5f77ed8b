using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>The oauth2 plugin's config (Kong 3.9 kong/plugins/oauth2/schema.lua), plus <c>introspection_endpoint</c>, ours.</summary>
public static class OAuth2Schema
{
    /// <summary>Kong's oauth2 handler PRIORITY.</summary>
    public const int Priority = 1400;

    /// <summary>Kong's custom_validator message when no grant is enabled.</summary>
    public const string NoFlowMessage =
        "at least one of these fields must be true: enable_authorization_code, enable_implicit_grant, enable_client_credentials, enable_password_grant";

    private static readonly string[] Flows = ["enable_authorization_code", "enable_implicit_grant", "enable_client_credentials", "enable_password_grant"];

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("oauth2", Priority, Record("config", "The oauth2 settings.",
        Array("scopes", Element(), "Scope names that will be available to the end user; required when mandatory_scope is true."),
        Bool("mandatory_scope", false, "Whether an end user must authorize at least one scope."),
        new Field("provision_key", FieldType.String)
        {
            Required = true,
            Unique = true,
            Auto = true,
            Description = "The key your authorization page sends to the plugin's endpoints; generated when absent.",
        },
        Num("token_expiration", "Seconds an access token lives; 0: it never expires (and no refresh token is issued).", 7200) with { Required = true },
        Bool("enable_authorization_code", false, "Whether the authorization code grant is enabled."),
        Bool("enable_implicit_grant", false, "Whether the implicit grant is enabled."),
        Bool("enable_client_credentials", false, "Whether the client credentials grant is enabled."),
        Bool("enable_password_grant", false, "Whether the resource owner password credentials grant is enabled."),
        Bool("hide_credentials", false, "Whether to strip the access token from the request before proxying it."),
        Bool("accept_http_if_already_terminated", false, "Whether to accept plain HTTP when a trusted proxy says X-Forwarded-Proto: https."),
        Str("anonymous", "A consumer id or username used as an anonymous consumer when authentication fails."),
        Bool("global_credentials", false, "Whether tokens are shared by every oauth2 plugin that also has global_credentials."),
        Str("auth_header_name", "The header holding the access token (and the client's Basic credentials).", "authorization"),
        Num("refresh_token_ttl", "Seconds a refresh token (and its access token row) lives; 0: forever.", 1209600) with
        {
            Required = true,
            Between = (0, TtlOption.Max),
        },
        Bool("reuse_refresh_token", false, "Whether a refresh keeps the refresh token instead of issuing a new one."),
        Str("pkce", "PKCE: none, lax (required for public clients) or strict (required for every client).", "lax", "none", "lax", "strict"),
        Str("realm", "The realm of the WWW-Authenticate header sent when authentication fails."),
        Bool("introspection_endpoint", false, "Ours, not Kong's: serve RFC 7662 token introspection at /oauth2/introspect.")) with
    {
        Checks = [ScopesWhenMandatory],
        Custom = config => Flows.Any(f => config[f] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.True) ? null : NoFlowMessage,
    })
    {
        NoConsumer = true,
    };

    /// <summary>Kong's conditional: mandatory_scope true requires scopes.</summary>
    private static void ScopesWhenMandatory(JsonObject config, ValidationErrors errors)
    {
        if (config["mandatory_scope"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.True && config["scopes"] is null)
        {
            errors.Field("scopes", "required field missing");
        }
    }
}
