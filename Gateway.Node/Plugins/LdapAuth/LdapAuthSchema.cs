using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.LdapAuth;

/// <summary>The ldap-auth plugin's config (Kong 3.9 kong/plugins/ldap-auth/schema.lua).</summary>
public static class LdapAuthSchema
{
    /// <summary>Kong's ldap-auth handler PRIORITY.</summary>
    public const int Priority = 1200;

    /// <summary>Kong's <c>then_err</c> when both TLS modes are on.</summary>
    public const string BothTlsModes = "'ldaps' and 'start_tls' cannot be enabled simultaneously";

    /// <summary>Kong's <c>conditional</c>: with <c>ldaps</c> on, <c>start_tls</c> must be off.</summary>
    private static readonly EntityCheck OneTlsMode = CheckDescriptions.Describe(
        (config, errors) =>
        {
            if (config["ldaps"]?.GetValue<bool>() == true && config["start_tls"]?.GetValue<bool>() == true)
            {
                errors.Field("start_tls", BothTlsModes);
            }
        },
        new JsonObject
        {
            ["conditional"] = new JsonObject
            {
                ["if_field"] = "ldaps",
                ["if_match"] = new JsonObject { ["eq"] = true },
                ["then_field"] = "start_tls",
                ["then_match"] = new JsonObject { ["eq"] = false },
                ["then_err"] = BothTlsModes,
            },
        });

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("ldap-auth", Priority, Record("config", "The ldap-auth settings.",
        Host("ldap_host", "Host on which the LDAP server is running.") with { Required = true },
        Port("ldap_port", "TCP port where the LDAP server is listening.", 389) with { Required = true },
        Bool("ldaps", false, "Set to `true` to connect using the LDAPS protocol (LDAP over TLS).") with { Required = true },
        Bool("start_tls", false, "Set it to `true` to issue StartTLS (Transport Layer Security) extended operation over `ldap` connection.") with { Required = true },
        Bool("verify_ldap_host", false, "Set to `true` to authenticate LDAP server.") with { Required = true },
        Str("base_dn", "Base DN as the starting point for the search; e.g., dc=example,dc=com") with { Required = true },
        Str("attribute", "Attribute to be used to search the user; e.g. cn") with { Required = true },
        Num("cache_ttl", "Cache expiry time in seconds.", 60) with { Required = true },
        Bool("hide_credentials", false, "An optional boolean value telling the plugin to hide the credential to the upstream server.") with { Required = true },
        Num("timeout", "An optional timeout in milliseconds when waiting for connection with LDAP server.", 10000),
        Num("keepalive", "An optional value in milliseconds that defines how long an idle connection to LDAP server will live before being closed.", 60000),
        Str("anonymous", "An optional string (consumer UUID or username) value to use as an anonymous consumer if authentication fails."),
        Str("header_type", "An optional string to use as part of the Authorization header", "ldap"),
        Str("realm", "When authentication fails the plugin sends `WWW-Authenticate` header with `realm` attribute value.")) with
    {
        Checks = [OneTlsMode],
    })
    {
        NoConsumer = true,
    };
}
