using System.Collections.Concurrent;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Gateway.Node.Plugins.Jwt;

/// <summary>
/// Kong's EdDSA algorithm (Ed25519, RFC 8037) through BouncyCastle: neither .NET nor Microsoft.IdentityModel
/// has Ed25519. Keys come as PEM SubjectPublicKeyInfo, as Kong's <c>rsa_public_key</c> holds them.
/// </summary>
internal static class Ed25519Keys
{
    private const int CacheCapacity = 1000;

    /// <summary>Parsed keys by PEM text: parsing per request would cost more than verifying.</summary>
    private static readonly ConcurrentDictionary<string, Ed25519PublicKeyParameters> Parsed = new(StringComparer.Ordinal);

    /// <summary>The Ed25519 public key of a PEM SubjectPublicKeyInfo, or null when it holds anything else.</summary>
    public static Ed25519PublicKeyParameters? Parse(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] != "PUBLIC KEY")
        {
            return null;
        }

        try
        {
            return PublicKeyFactory.CreateKey(Convert.FromBase64String(pem[fields.Base64Data])) as Ed25519PublicKeyParameters;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidCastException or SecurityUtilityException)
        {
            // Not DER, or DER of no key BouncyCastle knows.
            return null;
        }
    }

    /// <summary>Whether <paramref name="signature"/> is the Ed25519 signature of <paramref name="input"/> by the key in <paramref name="pem"/>.</summary>
    public static bool Verify(string pem, byte[] input, byte[] signature)
    {
        if (!Parsed.TryGetValue(pem, out var key))
        {
            if (Parse(pem) is not { } parsed)
            {
                return false;
            }

            if (Parsed.Count >= CacheCapacity)
            {
                Parsed.Clear();
            }

            key = Parsed.GetOrAdd(pem, parsed);
        }

        var verifier = new Ed25519Signer();
        verifier.Init(forSigning: false, key);
        verifier.BlockUpdate(input, 0, input.Length);
        return verifier.VerifySignature(signature);
    }
}
