using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The <c>ca_certificates</c> entity: a trusted CA certificate (kong/db/schema/entities/ca_certificates.lua).
/// <c>cert_digest</c> is computed, as Kong's on-write transformation does: the lower-case hex SHA-256
/// of the certificate's DER encoding, written by the last entity check (the engine has no
/// transformations), so whatever the input says is replaced.
/// </summary>
public static class CaCertificates
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("ca_certificates",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        Typedefs.Certificate("cert") with { Required = true, Description = "PEM-encoded public certificate of the CA." },
        new Field("cert_digest", FieldType.String) { Unique = true, Description = "SHA256 hex digest of the public certificate." },
        Typedefs.Tags(),
    ])
    {
        Checks = [CheckCa, SetDigest],
    };

    /// <summary>The lower-case hex SHA-256 of a certificate's DER encoding.</summary>
    public static string Digest(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    private static void CheckCa(JsonObject entity, ValidationErrors errors)
    {
        if (entity["cert"]?.GetValue<string>() is not { } pem)
        {
            return;
        }

        if (pem.Split("-----BEGIN CERTIFICATE-----").Length > 2)
        {
            errors.Entity("please submit only one certificate at a time");
            return;
        }

        using var certificate = Typedefs.LoadCertificate(pem);
        if (certificate is null)
        {
            return;
        }

        // Kong compares with the wall clock (ngx.time()); entity checks get no TimeProvider.
        if (certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow)
        {
            errors.Entity("certificate expired, \"Not After\" time is in the past");
        }
        else if (!certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(e => e.CertificateAuthority))
        {
            errors.Entity("certificate does not appear to be a CA because it is missing the \"CA\" basic constraint");
        }
    }

    private static void SetDigest(JsonObject entity, ValidationErrors errors)
    {
        if (!errors.IsEmpty || entity["cert"]?.GetValue<string>() is not { } pem)
        {
            return;
        }

        using var certificate = Typedefs.LoadCertificate(pem);
        if (certificate is not null)
        {
            entity["cert_digest"] = Digest(certificate);
        }
    }
}
