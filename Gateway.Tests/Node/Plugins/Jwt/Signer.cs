using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Gateway.Tests.Node.Plugins.Jwt;

/// <summary>
/// Makes JWTs for tests with .NET's own cryptography (not the library the plugin verifies with):
/// HMAC with a random secret, RSA (PKCS#1 v1.5 or PSS) and ECDSA with fresh keys; Ed25519, which .NET
/// lacks, with BouncyCastle (the plugin's verifier too: JwtEd25519Tests checks that one against RFC 8037).
/// </summary>
public sealed class Signer
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;
    private readonly Ed25519PrivateKeyParameters? _ed;

    private Signer(string algorithm, byte[] secret, RSA? rsa = null, ECDsa? ec = null, Ed25519PrivateKeyParameters? ed = null)
    {
        Algorithm = algorithm;
        Secret = secret;
        _rsa = rsa;
        _ec = ec;
        _ed = ed;
    }

    /// <summary>The JWS algorithm.</summary>
    public string Algorithm { get; }

    /// <summary>The HMAC secret (printable, so it can be stored as the credential's secret).</summary>
    public byte[] Secret { get; }

    /// <summary>The public key in PEM for asymmetric algorithms, else null.</summary>
    public string? PublicKeyPem => _rsa?.ExportSubjectPublicKeyInfoPem() ?? _ec?.ExportSubjectPublicKeyInfoPem()
        ?? (_ed is null ? null : new string(PemEncoding.Write("PUBLIC KEY", SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(_ed.GeneratePublicKey()).GetEncoded())));

    /// <summary>A signer with a fresh key (or the given HMAC secret).</summary>
    public static Signer Create(string algorithm, byte[]? secret = null) => algorithm[..2] switch
    {
        "HS" => new Signer(algorithm, secret ?? Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)))),
        "RS" or "PS" => new Signer(algorithm, [], rsa: RSA.Create(2048)),
        "Ed" => new Signer(algorithm, [], ed: new Ed25519PrivateKeyParameters(new SecureRandom())),
        _ => new Signer(algorithm, [], ec: ECDsa.Create(algorithm switch
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
            "Ed" => SignEd25519(data),

            // .NET signs ECDSA as r||s (IEEE P1363), the JWS format.
            _ => _ec!.SignData(data, hash),
        };
        return $"{input}.{Encode(signature)}";
    }

    private byte[] SignEd25519(byte[] data)
    {
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, _ed);
        signer.BlockUpdate(data, 0, data.Length);
        return signer.GenerateSignature();
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
