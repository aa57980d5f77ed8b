using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>
/// Client secrets stored hashed (Kong 3.9 kong/plugins/oauth2/secret.lua): PBKDF2-SHA512, 10000 iterations, 32 bytes,
/// a 16-byte salt, in PHC format <c>$pbkdf2-sha512$i=10000,l=32$salt$hash</c> (unpadded base64).
/// </summary>
public static class OAuth2Secret
{
    private const string Prefix = "$pbkdf2-sha512$";
    private const int Iterations = 10000;
    private const int Length = 32;

    /// <summary>Whether the value is a hash this class made (a stored secret is never hashed twice).</summary>
    public static bool IsHash(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The PHC string of a new hash of <paramref name="secret"/>.</summary>
    public static string Hash(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, Iterations, HashAlgorithmName.SHA512, Length);
        return $"{Prefix}i={Iterations},l={Length}${Unpadded(salt)}${Unpadded(hash)}";
    }

    /// <summary>Whether <paramref name="secret"/> matches the stored PHC string (its own parameters), in constant time.</summary>
    public static bool Verify(string secret, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 5 || parts[1] != "pbkdf2-sha512" || Parameters(parts[2]) is not ({ } iterations, { } length)
            || Decode(parts[3]) is not { } salt || Decode(parts[4]) is not { } expected || expected.Length != length)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA512, length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static (int?, int?) Parameters(string text)
    {
        int? iterations = null, length = null;
        foreach (var pair in text.Split(','))
        {
            var (name, value) = pair.Split('=') is [var n, var v] ? (n, v) : ("", "");
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 1_000_000)
            {
                return (null, null);
            }

            (iterations, length) = name switch
            {
                "i" => (number, length),
                "l" => (iterations, number),
                _ => (iterations, length),
            };
        }

        return (iterations, length);
    }

    private static string Unpadded(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[]? Decode(string text)
    {
        var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }
}
