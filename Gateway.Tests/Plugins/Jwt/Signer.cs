using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Plugins.Jwt;

/// <summary>
/// Makes JWTs for tests with .NET's own cryptography (not the library the plugin verifies with):
/// HMAC with a random secret, RSA (PKCS#1 v1.5 or PSS) and ECDSA with fresh keys.
/// </summary>
public sealed class Signer
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;

    private Signer(string algorithm, byte[] secret, RSA? rsa, ECDsa? ec)
    {
        Algorithm = algorithm;
        Secret = secret;
        _rsa = rsa;
        _ec = ec;
    }

    /// <summary>The JWS algorithm.</summary>
    public string Algorithm { get; }

    /// <summary>The HMAC secret (printable, so it can be stored as the credential's secret).</summary>
    public byte[] Secret { get; }

    /// <summary>The public key in PEM for asymmetric algorithms, else null.</summary>
    public string? PublicKeyPem => _rsa?.ExportSubjectPublicKeyInfoPem() ?? _ec?.ExportSubjectPublicKeyInfoPem();

    /// <summary>A signer with a fresh key (or the given HMAC secret).</summary>
    public static Signer Create(string algorithm, byte[]? secret = null) => algorithm[..2] switch
    {
        "HS" => new Signer(algorithm, secret ?? Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(16))), null, null),
        "RS" or "PS" => new Signer(algorithm, [], RSA.Create(2048), null),
        _ => new Signer(algorithm, [], null, ECDsa.Create(algorithm switch
        {
            "ES256" => ECCurve.NamedCurves.nistP256,
            "ES384" => ECCurve.NamedCurves.nistP384,
            _ => ECCurve.NamedCurves.nistP521,
        })),
    };

    /// <summary>A signed token with these claims (and extra header fields).</summary>
    public string Sign(JsonObject claims, JsonObject? extraHeader = null)
    {
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = Algorithm };
        foreach (var (name, value) in extraHeader ?? [])
        {
            header[name] = value?.DeepClone();
        }

        var input = $"{Encode(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Encode(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var data = Encoding.ASCII.GetBytes(input);
        var hash = Algorithm[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
        var signature = Algorithm[..2] switch
        {
            "HS" => Algorithm switch
            {
                "HS256" => HMACSHA256.HashData(Secret, data),
                "HS384" => HMACSHA384.HashData(Secret, data),
                _ => HMACSHA512.HashData(Secret, data),
            },
            "RS" => _rsa!.SignData(data, hash, RSASignaturePadding.Pkcs1),
            "PS" => _rsa!.SignData(data, hash, RSASignaturePadding.Pss),

            // .NET signs ECDSA as r||s (IEEE P1363), the JWS format.
            _ => _ec!.SignData(data, hash),
        };
        return $"{input}.{Encode(signature)}";
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
