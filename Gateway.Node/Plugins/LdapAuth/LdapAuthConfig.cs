using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.LdapAuth;

/// <summary>The ldap-auth config (see <see cref="LdapAuthSchema"/>).</summary>
public sealed record LdapAuthConfig(
    string LdapHost,
    int LdapPort,
    bool Ldaps,
    bool StartTls,
    bool VerifyLdapHost,
    string BaseDn,
    string Attribute,
    double CacheTtl,
    bool HideCredentials,
    double Timeout,
    string? Anonymous,
    string HeaderType,
    string? Realm)
{
    /// <summary>
    /// Kong's challenge: the header type (<c>ldap</c> upper-cased, for compatibility), with the realm when set.
    /// </summary>
    public string WwwAuthenticate { get; } = Challenge(HeaderType, Realm);

    /// <summary>
    /// What a verdict depends on besides the username and password (Kong's cache key: host, port, base DN,
    /// attribute and cache_ttl), plus the TLS mode, so two configs only share verdicts for the same directory.
    /// </summary>
    public string Directory { get; } = $"{LdapHost.ToLowerInvariant()}:{LdapPort}:{Ldaps}:{StartTls}:{VerifyLdapHost}:{BaseDn}:{Attribute}:{CacheTtl}";

    /// <summary>The verdicts of binds for this config's cache_ttl; set when the config is compiled.</summary>
    public VerificationCache Verdicts { get; init; } = null!;

    /// <summary>The CA directory a verified TLS connection trusts (lua_ssl_trusted_certificate); set when compiled, null without verify_ldap_host.</summary>
    public string? TrustedCertificates { get; init; }

    private static string Challenge(string headerType, string? realm)
    {
        var scheme = headerType == "ldap" ? "LDAP" : headerType;
        return realm is null ? scheme : $"{scheme} realm=\"{realm}\"";
    }
}
