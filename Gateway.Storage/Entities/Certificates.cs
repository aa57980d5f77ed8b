using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The <c>certificates</c> entity: a PEM certificate and key pair, with an optional alternative pair
/// of another key type (kong/db/schema/entities/certificates.lua). Kong's transient <c>snis</c>
/// shorthand (create SNIs along with the certificate) belongs to the Admin layer, not to this schema.
/// </summary>
public static class Certificates
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("certificates",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        Typedefs.Certificate("cert") with { Required = true, Referenceable = true, Description = "PEM-encoded public certificate chain of the SSL key pair." },
        Typedefs.Key("key") with { Required = true, Referenceable = true, Description = "PEM-encoded private key of the SSL key pair." },
        Typedefs.Certificate("cert_alt") with { Referenceable = true, Description = "PEM-encoded public certificate chain of the alternate SSL key pair." },
        Typedefs.Key("key_alt") with { Referenceable = true, Description = "PEM-encoded private key of the alternate SSL key pair." },
        Typedefs.Tags(),
    ])
    {
        Checks =
        [
            Entities.Checks.MutuallyRequired("cert_alt", "key_alt"),
            (entity, errors) => MatchKey(entity, errors, "cert", "key", "certificate does not match key"),
            (entity, errors) => MatchKey(entity, errors, "cert_alt", "key_alt", "alternative certificate does not match key"),
            DifferentKeyTypes,
        ],
    };

    private static void MatchKey(JsonObject entity, ValidationErrors errors, string certField, string keyField, string message)
    {
        // A vault reference's value is only known where the node loads the pair, as in Kong.
        if (entity[certField]?.GetValue<string>() is not { } certPem || entity[keyField]?.GetValue<string>() is not { } keyPem
            || VaultReference.IsReference(certPem) || VaultReference.IsReference(keyPem))
        {
            return;
        }

        using var certificate = Typedefs.LoadCertificate(certPem);
        var keyInfo = Typedefs.PublicKeyInfo(keyPem);
        if (certificate is null || keyInfo is null || !certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(keyInfo))
        {
            errors.Entity(message);
        }
    }

    private static void DifferentKeyTypes(JsonObject entity, ValidationErrors errors)
    {
        if (entity["cert"]?.GetValue<string>() is not { } certPem || entity["cert_alt"]?.GetValue<string>() is not { } altPem
            || VaultReference.IsReference(certPem) || VaultReference.IsReference(altPem))
        {
            return;
        }

        using var certificate = Typedefs.LoadCertificate(certPem);
        using var alternative = Typedefs.LoadCertificate(altPem);
        if (KeyType(certificate) is { } type && type == KeyType(alternative))
        {
            errors.Entity("certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type");
        }
    }

    private static string? KeyType(X509Certificate2? certificate) => certificate?.PublicKey.Oid.Value;
}
