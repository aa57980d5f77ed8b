using System.Security.Cryptography;
using System.Text;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// How an RBAC user's token is kept at rest, as Kong Enterprise keeps it: a bcrypt hash (cost 9), next to the first
/// 5 hex characters of its SHA-1 (<c>user_token_ident</c>) that narrow a look-up to a few candidates to verify.
/// </summary>
public static class RbacToken
{
    /// <summary>Kong's bcrypt cost factor for RBAC tokens.</summary>
    public const int BcryptCost = 9;

    /// <summary>The token as Kong reads it: surrounding whitespace removed.</summary>
    public static string Normalize(string token) => token.Trim();

    /// <summary>The look-up index: the first 5 lower-case hex characters of the token's SHA-1.</summary>
    public static string Ident(string token) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Normalize(token))))[..5];

    /// <summary>A new bcrypt hash of the token (<c>$2b$09$...</c>).</summary>
    public static string Hash(string token) =>
        BCrypt.Net.BCrypt.HashPassword(Normalize(token), BCrypt.Net.BCrypt.GenerateSalt(BcryptCost, 'b'));

    /// <summary>Whether <paramref name="token"/> is the one <paramref name="hash"/> was made from; false for a hash that is not bcrypt.</summary>
    public static bool Verify(string token, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(Normalize(token), hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}
