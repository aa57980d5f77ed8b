using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Node.Tls;

/// <summary>
/// The certificate served on TLS listeners when no configured certificate matches the SNI, as
/// Kong's default certificate: self-signed, generated into prefix/ on first start and reused after.
/// </summary>
public static class DefaultCertificate
{
    /// <summary>Loads prefix/default.crt and default.key, creating them when absent.</summary>
    public static X509Certificate2 LoadOrCreate(string prefix)
    {
        var certPath = Path.Combine(prefix, "default.crt");
        var keyPath = Path.Combine(prefix, "default.key");
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=localhost, O=Gateway default certificate", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.WriteAllText(certPath, created.ExportCertificatePem());
        }

        using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        // Kestrel needs the key in a persisted form; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
