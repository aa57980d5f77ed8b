using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Node.Plugins.Jwt;

/// <summary>
/// A decoded JWT as Kong's jwt_parser.lua sees it: the three base64url parts, the header and claims
/// objects and the raw signature; verification of the signature (HMAC here, RSA and ECDSA through
/// Microsoft.IdentityModel's signature providers, Ed25519 through <see cref="Ed25519Keys"/>) and of the
/// registered claims exp and nbf.
/// </summary>
public sealed class JwtToken
{
    private const int KeyCacheCapacity = 1000;

    /// <summary>Parsed public keys by PEM text: parsing per request would cost more than verifying.</summary>
    private static readonly ConcurrentDictionary<string, SecurityKey> PublicKeys = new(StringComparer.Ordinal);

    private JwtToken(string signingInput, JsonObject header, JsonObject claims, byte[] signature)
    {
        SigningInput = signingInput;
        Header = header;
        Claims = claims;
        Signature = signature;
    }

    /// <summary>The algorithms Kong's parser knows (<c>alg_verify</c>).</summary>
    public static IReadOnlySet<string> Algorithms { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA",
    };

    /// <summary>The signed text: header and claims parts with the dot between them.</summary>
    public string SigningInput { get; }

    /// <summary>The JOSE header.</summary>
    public JsonObject Header { get; }

    /// <summary>The claims.</summary>
    public JsonObject Claims { get; }

    /// <summary>The raw signature bytes.</summary>
    public byte[] Signature { get; }

    /// <summary>The header's alg.</summary>
    public string Algorithm => Header["alg"]!.GetValue<string>();

    /// <summary>Kong's <c>decode_token</c>: the token, or the reason it is bad ("invalid JSON", "invalid typ", "invalid alg", "invalid signature").</summary>
    public static (JwtToken? Token, string? Error) Decode(string token)
    {
        // Kong splits on the first two dots; the signature part keeps any further dots.
        var first = token.IndexOf('.');
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (second < 0)
        {
            return (null, "invalid JSON");
        }

        JsonObject? header, claims;
        try
        {
            header = Base64Url(token[..first]) is { } h ? JsonNode.Parse(h) as JsonObject : null;
            claims = Base64Url(token[(first + 1)..second]) is { } c ? JsonNode.Parse(c) as JsonObject : null;
        }
        catch (JsonException)
        {
            return (null, "invalid JSON");
        }

        if (header is null || claims is null)
        {
            return (null, "invalid JSON");
        }

        if (header["typ"] is JsonValue typ && typ.GetValueKind() == JsonValueKind.String && !typ.GetValue<string>().Equals("JWT", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "invalid typ");
        }

        if (header["alg"] is not JsonValue alg || alg.GetValueKind() != JsonValueKind.String || !Algorithms.Contains(alg.GetValue<string>()))
        {
            return (null, "invalid alg");
        }

        if (Base64Url(token[(second + 1)..]) is not { } signature)
        {
            return (null, "invalid signature");
        }

        return (new JwtToken(token[..second], header, claims, signature), null);
    }

    /// <summary>Kong's base64url decoding: padding added, '-' and '_' mapped, null when invalid.</summary>
    public static byte[]? Base64Url(string text)
    {
        var standard = text.Replace('-', '+').Replace('_', '/');
        standard += (standard.Length % 4) switch
        {
            2 => "==",
            3 => "=",
            _ => "",
        };
        var bytes = new byte[standard.Length];
        return Convert.TryFromBase64String(standard, bytes, out var length) ? bytes[..length] : null;
    }

    /// <summary>Whether the signature verifies with <paramref name="key"/>: the secret for HS*, the PEM public key otherwise.</summary>
    public bool VerifySignature(byte[] key)
    {
        var input = Encoding.ASCII.GetBytes(SigningInput);
        var algorithm = Algorithm;
        if (algorithm.StartsWith("HS", StringComparison.Ordinal))
        {
            // HMAC directly: IdentityModel refuses HMAC keys shorter than the hash, Kong accepts any secret.
            var expected = algorithm switch
            {
                "HS256" => HMACSHA256.HashData(key, input),
                "HS384" => HMACSHA384.HashData(key, input),
                _ => HMACSHA512.HashData(key, input),
            };
            return CryptographicOperations.FixedTimeEquals(expected, Signature);
        }

        if (algorithm == "EdDSA")
        {
            return Ed25519Keys.Verify(Encoding.UTF8.GetString(key), input, Signature);
        }

        if (PublicKey(Encoding.UTF8.GetString(key), algorithm) is not { } securityKey)
        {
            return false;
        }

        var factory = CryptoProviderFactory.Default;
        try
        {
            var provider = factory.CreateForVerifying(securityKey, algorithm);
            try
            {
                return provider.Verify(input, Signature);
            }
            finally
            {
                factory.ReleaseSignatureProvider(provider);
            }
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or CryptographicException or SecurityTokenException)
        {
            // A key of the wrong kind or size for the algorithm (an RSA key for ES256, a P-384 key for ES256).
            return false;
        }
    }

    /// <summary>Kong's <c>verify_registered_claims</c>: one message per failed claim, in the order asked.</summary>
    public JsonObject? VerifyClaims(IEnumerable<string> claims, long now)
    {
        JsonObject? errors = null;
        foreach (var name in claims)
        {
            string? error;
            if (Claims[name] is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
            {
                error = "must be a number";
            }
            else
            {
                var time = value.GetValue<double>();
                error = name switch
                {
                    "exp" when time <= now => "token expired",
                    "nbf" when time > now => "token not valid yet",
                    _ => null,
                };
            }

            if (error is not null)
            {
                (errors ??= [])[name] = error;
            }
        }

        return errors;
    }

    /// <summary>Kong's <c>check_maximum_expiration</c>: exp must exist and be at most that many seconds away.</summary>
    public bool WithinMaximumExpiration(double maximum, long now) =>
        maximum <= 0
        || (Claims["exp"] is JsonValue exp && exp.GetValueKind() == JsonValueKind.Number && exp.GetValue<double>() - now <= maximum);

    private static SecurityKey? PublicKey(string pem, string algorithm)
    {
        var cacheKey = algorithm[0] + pem;
        if (PublicKeys.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }

        SecurityKey key;
        try
        {
            if (algorithm[0] == 'E')
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                key = new ECDsaSecurityKey(ec);
            }
            else
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                key = new RsaSecurityKey(rsa);
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return null;
        }

        if (PublicKeys.Count >= KeyCacheCapacity)
        {
            PublicKeys.Clear();
        }

        return PublicKeys.GetOrAdd(cacheKey, key);
    }
}
