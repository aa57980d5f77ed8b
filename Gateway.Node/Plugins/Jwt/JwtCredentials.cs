using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Jwt;

/// <summary>The jwt_secrets entity (Kong 3.9 kong/plugins/jwt/daos.lua).</summary>
public static class JwtCredentials
{
    /// <summary>The algorithms Kong accepts, in Kong's order.</summary>
    public static readonly string[] Algorithms =
        ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"];

    /// <summary>The entity schema, served at /jwts and /consumers/{consumer}/jwt.</summary>
    public static EntitySchema Schema { get; } = new("jwt_secrets", CredentialFields.With(
        new Field("key", FieldType.String) { Unique = true, Auto = true, Description = "The value of the key claim (iss); generated when absent." },
        new Field("secret", FieldType.String) { Auto = true, Description = "The HMAC secret; generated when absent." },
        new Field("rsa_public_key", FieldType.String) { Description = "The PEM public key, required by the RS, ES, PS and EdDSA algorithms." },
        Typedefs.String("algorithm", "HS256", Algorithms) with { Description = "The signing algorithm." }))
    {
        EndpointKey = "key",
        CacheKey = ["key"],
        AdminPath = "jwts",
        NestedPath = "jwt",
        Checks = [AsymmetricNeedsPublicKey],
    };

    /// <summary>Whether the algorithm verifies with a public key rather than the shared secret.</summary>
    public static bool IsAsymmetric(string algorithm) => algorithm[0] is 'R' or 'E' or 'P';

    /// <summary>Kong's conditional: asymmetric algorithms need a parseable rsa_public_key.</summary>
    private static void AsymmetricNeedsPublicKey(JsonObject secret, ValidationErrors errors)
    {
        if (secret["algorithm"]?.GetValue<string>() is not { } algorithm || !IsAsymmetric(algorithm))
        {
            return;
        }

        if (secret["rsa_public_key"]?.GetValue<string>() is not { } pem)
        {
            errors.Field("rsa_public_key", "required field missing");
        }
        else if (!IsPublicKey(pem))
        {
            errors.Field("rsa_public_key", "invalid key");
        }
    }

    private static bool IsPublicKey(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            return false;
        }

        var label = pem[fields.Label];
        if (label is not ("PUBLIC KEY" or "RSA PUBLIC KEY"))
        {
            return false;
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            // Not an RSA key: try EC below.
        }

        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            // Not EC either: .NET has no Ed25519, which EdDSA credentials hold.
            return Ed25519Keys.Parse(pem) is not null;
        }
    }
}
