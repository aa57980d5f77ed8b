using System.Security.Cryptography;
using System.Text;

namespace Gateway.Node.Plugins.Session;

/// <summary>The session config (see <see cref="SessionSchema"/>); the fields the phases use.</summary>
public sealed record SessionConfig(
    string Secret,
    string Storage,
    string Audience,
    double IdlingTimeout,
    double RollingTimeout,
    double AbsoluteTimeout,
    double StaleTtl,
    string CookieName,
    string CookiePath,
    string? CookieDomain,
    string CookieSameSite,
    bool CookieHttpOnly,
    bool CookieSecure,
    bool Remember,
    string RememberCookieName,
    double RememberRollingTimeout,
    double RememberAbsoluteTimeout,
    IReadOnlyList<string>? ResponseHeaders,
    IReadOnlyList<string>? RequestHeaders,
    bool ReadBodyForLogout,
    IReadOnlyList<string>? LogoutMethods,
    string? LogoutQueryArg,
    string? LogoutPostArg)
{
    /// <summary>The AES-256-GCM key: HKDF-SHA-256 of the secret, so the secret itself never keys a cipher.</summary>
    public byte[] Key { get; } = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(Secret), 32, info: "gateway session cookie v1"u8.ToArray());

    /// <summary>Whether sessions are rows of <see cref="SessionRows"/> (the cookie carries only the id) rather than in the cookie.</summary>
    public bool InDatabase => Storage == "kong";

    /// <summary>The session cookie.</summary>
    public SessionSlot Main { get; } = new(
        CookieName, false, IdlingTimeout, RollingTimeout, AbsoluteTimeout, AttributesOf(CookiePath, CookieDomain, CookieSameSite, CookieHttpOnly, CookieSecure), Audience);

    /// <summary>The persistent cookie of <c>remember</c>: held to the remember timeouts only, never to idling.</summary>
    public SessionSlot Persistent { get; } = new(
        RememberCookieName, true, 0, RememberRollingTimeout, RememberAbsoluteTimeout, AttributesOf(CookiePath, CookieDomain, CookieSameSite, CookieHttpOnly, CookieSecure), Audience);

    private static string AttributesOf(string path, string? domain, string sameSite, bool httpOnly, bool secure)
    {
        var attributes = new StringBuilder($"; Path={path}");
        if (domain is not null)
        {
            attributes.Append($"; Domain={domain}");
        }

        if (sameSite != "Default")
        {
            attributes.Append($"; SameSite={sameSite}");
        }

        if (httpOnly)
        {
            attributes.Append("; HttpOnly");
        }

        if (secure)
        {
            attributes.Append("; Secure");
        }

        return attributes.ToString();
    }
}
