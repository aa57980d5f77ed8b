using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Node.Settings;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.LdapAuth;

/// <summary>
/// Kong's ldap-auth (kong/plugins/ldap-auth/access.lua): reads <c>&lt;header_type&gt; base64(user:password)</c> from
/// Proxy-Authorization, then Authorization, binds to the directory as <c>attribute=user,base_dn</c>, and answers 401
/// "Unauthorized" with the LDAP challenge otherwise, unless <c>anonymous</c> applies. The authenticated request
/// carries no consumer, only X-Credential-Identifier (the username), as Kong's.
/// Verdicts, right and wrong, are kept for <c>cache_ttl</c> (Kong's ttl and neg_ttl), so a flood of one wrong
/// password costs one bind per cache_ttl; failed binds (directory unreachable) are not kept and answer 500.
/// </summary>
public sealed partial class LdapAuthPlugin : GatewayPlugin<LdapAuthConfig>
{
    /// <summary>Kong's answer to every failed attempt.</summary>
    public const string UnauthorizedMessage = "Unauthorized";

    /// <summary>Kong's answer when the directory could not be asked.</summary>
    public const string UnexpectedMessage = "An unexpected error occurred";

    private readonly VerificationPool _binds;
    private readonly TimeProvider _time;
    private readonly Lazy<string> _trusted;

    /// <summary>One verdict cache per cache_ttl in use, kept across config versions.</summary>
    private readonly ConcurrentDictionary<double, VerificationCache> _verdicts = new();

    /// <summary>The node's plugin: binds on <see cref="Binds"/>, trusting the node's lua_ssl_trusted_certificate.</summary>
    public LdapAuthPlugin(PluginServices services)
        : this(Binds, TimeProvider.System, services)
    {
    }

    /// <summary>A plugin whose binds run on <paramref name="binds"/>, their verdicts kept by <paramref name="time"/>.</summary>
    public LdapAuthPlugin(VerificationPool binds, TimeProvider time, PluginServices services)
    {
        _binds = binds;
        _time = time;
        _trusted = new(() =>
        {
            var settings = services.Find<GatewaySettings>() ?? GatewaySettings.Default;
            return LdapTls.WriteTrustedCertificates(settings.Prefix, settings.LuaSslTrustedCertificate);
        });
    }

    /// <summary>
    /// The process's bind threads: binds wait on the network (up to <c>timeout</c> each), not on a core, so they get
    /// threads of their own rather than the shared pool's, where a slow directory would hold up basic-auth's checks.
    /// </summary>
    public static VerificationPool Binds { get; } = new(4, 4 * VerificationPool.QueuePerThread);

    /// <inheritdoc />
    public override PluginSchema Schema => LdapAuthSchema.Schema;

    /// <inheritdoc />
    protected override LdapAuthConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance);
        var ttl = compiled.CacheTtl;
        // mlcache's ttl 0 keeps a value for ever; so does a ttl too long to count.
        var lifetime = ttl is > 0 and < 1e9 ? TimeSpan.FromSeconds(ttl) : TimeSpan.MaxValue;
        return compiled with
        {
            Verdicts = _verdicts.GetOrAdd(ttl, _ => new VerificationCache(_binds, _time, lifetime, lifetime)),
            TrustedCertificates = compiled.VerifyLdapHost && (compiled.Ldaps || compiled.StartTls) ? _trusted.Value : null,
        };
    }

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, LdapAuthConfig config)
    {
        if (config.Anonymous is not null && context.Credential is not null)
        {
            // Authenticated by an earlier plugin: with anonymous, auth plugins are a logical OR.
            return;
        }

        VerificationOutcome outcome;
        try
        {
            outcome = await AuthenticateAsync(context, config);
        }
        catch (Exception e) when (e is System.DirectoryServices.Protocols.DirectoryException or InvalidOperationException or PlatformNotSupportedException)
        {
            context.Error(500, UnexpectedMessage);
            return;
        }

        switch (outcome)
        {
            case VerificationOutcome.Busy:
                context.Error(429, VerificationPool.BusyMessage, VerificationPool.BusyHeaders);
                break;
            case VerificationOutcome.Invalid when config.Anonymous is { } anonymous:
                await context.AuthenticateAnonymousAsync(anonymous);
                break;
            case VerificationOutcome.Invalid:
                context.Error(401, UnauthorizedMessage, [new("WWW-Authenticate", config.WwwAuthenticate)]);
                break;
        }
    }

    /// <summary>Kong's <c>^(.*?):(.+)$</c> over the decoded credentials: the password may not be empty.</summary>
    [GeneratedRegex(@"^(.*?):(.+)$", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex PartsPattern();

    /// <summary>Kong's <c>do_authentication</c>.</summary>
    private static async ValueTask<VerificationOutcome> AuthenticateAsync(PluginContext context, LdapAuthConfig config)
    {
        var headers = context.Http.Request.Headers;
        var proxyAuthorization = headers.ProxyAuthorization.Count > 0 ? headers.ProxyAuthorization[0] : null;
        var authorization = headers.Authorization.Count > 0 ? headers.Authorization[0] : null;
        if (proxyAuthorization is null && authorization is null)
        {
            return VerificationOutcome.Invalid;
        }

        string? username = null;
        var outcome = VerificationOutcome.Invalid;
        foreach (var value in new[] { proxyAuthorization, authorization })
        {
            if (value is not null && Retrieve(value, config) is var (user, password))
            {
                outcome = await config.Verdicts.VerifyAsync(user, config.Directory, password, (given, _) => LdapBind.Check(config, user, given));
                if (outcome != VerificationOutcome.Invalid)
                {
                    username = user;
                    break;
                }
            }
        }

        if (outcome != VerificationOutcome.Valid)
        {
            return outcome;
        }

        if (config.HideCredentials)
        {
            headers.Remove("Authorization");
            headers.Remove("Proxy-Authorization");
        }

        // Kong's credential has no stored row: its id is a hash of the directory and the user; the username identifies it upstream.
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{config.Directory}:{username}")));
        context.Authenticate(null, new JsonObject { ["id"] = $"ldap_auth_cache:{id}", ["username"] = username });
        context.SetConsumerHeaders(null, username, anonymous: false);
        return VerificationOutcome.Valid;
    }

    /// <summary>Kong's <c>retrieve_credentials</c>: <c>^\s*header_type\s+</c> (any case), then base64 of user:password.</summary>
    private static (string User, string Password)? Retrieve(string value, LdapAuthConfig config)
    {
        var rest = value.AsSpan().TrimStart();
        if (!rest.StartsWith(config.HeaderType, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        rest = rest[config.HeaderType.Length..];
        if (rest.Length == 0 || !char.IsWhiteSpace(rest[0]))
        {
            return null;
        }

        if (NginxBase64.Decode(rest.TrimStart().ToString()) is not { } bytes
            || PartsPattern().Match(Encoding.UTF8.GetString(bytes)) is not { Success: true } parts)
        {
            return null;
        }

        return (parts.Groups[1].Value, parts.Groups[2].Value);
    }
}
