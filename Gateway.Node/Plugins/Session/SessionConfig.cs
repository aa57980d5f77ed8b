using System.Security.Cryptography;
using System.Text;

namespace Gateway.Node.Plugins.Session;

/// <summary>The session config (see <see cref="SessionSchema"/>); the fields the phases use.</summary>
public sealed record SessionConfig(
    string Secret,
    string Audience,
    double IdlingTimeout,
    double RollingTimeout,
    double AbsoluteTimeout,
    string CookieName,
    string CookiePath,
    string? CookieDomain,
    string CookieSameSite,
    bool CookieHttpOnly,
    bool CookieSecure,
    IReadOnlyList<string>? ResponseHeaders,
    IReadOnlyList<string>? RequestHeaders,
    bool ReadBodyForLogout,
    IReadOnlyList<string>? LogoutMethods,
    string? LogoutQueryArg,
    string? LogoutPostArg)
{
    /// <summary>The AES-256-GCM key: HKDF-SHA-256 of the secret, so the secret itself never keys a cipher.</summary>
    public byte[] Key { get; } = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(Secret), 32, info: "gateway session cookie v1"u8.ToArray());

    /// <summary>
    /// What a cookie is bound to besides the key (GCM's associated data): its name and the audience, so a cookie
    /// made for another audience or name under the same secret does not open here.
    /// </summary>
    public byte[] Binding { get; } = Encoding.UTF8.GetBytes($"{CookieName}\0{Audience}");

    /// <summary>The attributes after <c>name=value</c> in Set-Cookie.</summary>
    public string Attributes { get; } = AttributesOf(CookiePath, CookieDomain, CookieSameSite, CookieHttpOnly, CookieSecure);

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
