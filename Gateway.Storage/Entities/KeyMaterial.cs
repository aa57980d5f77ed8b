using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The key checks of the <c>keys</c> entity, with Kong's messages (kong/db/schema/typedefs.lua <c>validate_jwk</c>,
/// <c>validate_pem_keys</c>): a key must load as the key it claims to be.
/// </summary>
internal static class KeyMaterial
{
    private static readonly string[] JwkStrings =
        ["issuer", "kty", "use", "alg", "kid", "x5u", "x5t", "x5t#S256", "k", "x", "y", "crv", "n", "e", "d", "p", "q", "dp", "dq", "qi", "oth", "r", "t"];

    private static readonly string[] JwkArrays = ["key_ops", "x5c"];

    private static readonly string[] RsaPrivate = ["d", "p", "q", "dp", "dq", "qi"];

    /// <summary>Checks a JWK's fields (Kong's <c>typedefs.jwk</c>) and, when it names its type, that its key loads.</summary>
    public static string? CheckJwk(JsonObject jwk)
    {
        var errors = new List<string>();
        foreach (var (name, value) in jwk)
        {
            var kind = value?.GetValueKind();
            if (JwkStrings.Contains(name))
            {
                if (kind != JsonValueKind.String)
                {
                    errors.Add($"{name}: expected a string");
                }
            }
            else if (JwkArrays.Contains(name))
            {
                if (value is not JsonArray array || array.Any(e => e?.GetValueKind() != JsonValueKind.String))
                {
                    errors.Add($"{name}: expected an array of strings");
                }
            }
            else
            {
                errors.Add($"{name}: unknown field");
            }
        }

        if (errors.Count > 0)
        {
            return string.Join(", ", errors);
        }

        // Kong's spec stores a JWK of only a kid; a key that names its type must be that key.
        return jwk["kty"] is null || LoadsJwk(jwk) ? null : "could not load JWK, likely not a valid key";
    }

    /// <summary>Checks a PEM pair: each loads as the kind of key it is named for, and they match.</summary>
    public static string? CheckPem(JsonObject pem)
    {
        var publicPem = pem["public_key"]?.GetValue<string>();
        var privatePem = pem["private_key"]?.GetValue<string>();
        if ((publicPem is not null && VaultReference.IsReference(publicPem)) || (privatePem is not null && VaultReference.IsReference(privatePem)))
        {
            return null;
        }

        byte[]? fromPublic = null;
        byte[]? fromPrivate = null;
        if (publicPem is not null && (fromPublic = PublicKeyInfo(publicPem, privateKey: false)) is null)
        {
            return "could not load public key";
        }

        if (privatePem is not null && (fromPrivate = PublicKeyInfo(privatePem, privateKey: true)) is null)
        {
            return "could not load private key";
        }

        return fromPublic is not null && fromPrivate is not null && !fromPublic.AsSpan().SequenceEqual(fromPrivate)
            ? "public key does not match private key"
            : null;
    }

    /// <summary>The SubjectPublicKeyInfo of a PEM key whose label says it is private (or public), or null.</summary>
    private static byte[]? PublicKeyInfo(string pem, bool privateKey)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            return null;
        }

        var isPrivate = pem.AsSpan()[fields.Label].EndsWith("PRIVATE KEY");
        return isPrivate == privateKey ? Typedefs.PublicKeyInfo(pem) : null;
    }

    private static bool LoadsJwk(JsonObject jwk)
    {
        try
        {
            return jwk["kty"]!.GetValue<string>() switch
            {
                "RSA" => LoadsRsa(jwk),
                "EC" => LoadsEc(jwk),
                "oct" => Bytes(jwk, "k") is { Length: > 0 },
                "OKP" => LoadsOkp(jwk),
                _ => false,
            };
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    private static bool LoadsRsa(JsonObject jwk)
    {
        var parameters = new RSAParameters { Modulus = Bytes(jwk, "n"), Exponent = Bytes(jwk, "e") };
        if (parameters.Modulus is null || parameters.Exponent is null)
        {
            return false;
        }

        var privateParts = RsaPrivate.Count(name => jwk[name] is not null);
        if (privateParts is not 0 and not 6)
        {
            return false;
        }

        if (privateParts == 6)
        {
            (parameters.D, parameters.P, parameters.Q) = (Bytes(jwk, "d"), Bytes(jwk, "p"), Bytes(jwk, "q"));
            (parameters.DP, parameters.DQ, parameters.InverseQ) = (Bytes(jwk, "dp"), Bytes(jwk, "dq"), Bytes(jwk, "qi"));
        }

        using var rsa = RSA.Create();
        rsa.ImportParameters(parameters);
        return true;
    }

    private static bool LoadsEc(JsonObject jwk)
    {
        var curve = jwk["crv"]?.GetValue<string>() switch
        {
            "P-256" => ECCurve.NamedCurves.nistP256,
            "P-384" => ECCurve.NamedCurves.nistP384,
            "P-521" => ECCurve.NamedCurves.nistP521,
            _ => (ECCurve?)null,
        };
        if (curve is null)
        {
            return false;
        }

        var parameters = new ECParameters { Curve = curve.Value, Q = new ECPoint { X = Bytes(jwk, "x"), Y = Bytes(jwk, "y") }, D = Bytes(jwk, "d") };
        using var ec = ECDsa.Create();
        ec.ImportParameters(parameters);
        return true;
    }

    private static bool LoadsOkp(JsonObject jwk)
    {
        int? length = jwk["crv"]?.GetValue<string>() switch
        {
            "Ed25519" or "X25519" => 32,
            "Ed448" => 57,
            "X448" => 56,
            _ => null,
        };
        return length is { } expected && Bytes(jwk, "x")?.Length == expected;
    }

    private static byte[]? Bytes(JsonObject jwk, string name) =>
        jwk[name]?.GetValue<string>() is { } text ? Base64Url.DecodeFromChars(text) : null;
}
