using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Node.Config;

namespace Gateway.Node.Tls;

/// <summary>
/// The certificate served on TLS listeners when none is configured, as Kong's default certificates: self-signed,
/// generated into prefix/ on first start and reused after; one pair per listener kind, as Kong's
/// <c>kong-default.crt</c>, <c>admin-kong-default.crt</c> and <c>status-kong-default.crt</c>.
/// </summary>
public static class DefaultCertificate
{
    /// <summary>The proxy's pair, prefix/default.crt and default.key.</summary>
    public const string Proxy = "default";

    /// <summary>
    /// Loads prefix/<paramref name="name"/>.crt and .key, creating them when absent; the key is written owner only (0600).
    /// </summary>
    public static X509Certificate2 LoadOrCreate(string prefix, string name = Proxy)
    {
        var certPath = Path.Combine(prefix, name + ".crt");
        var keyPath = Path.Combine(prefix, name + ".key");
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            // Loaded before the store opens prefix/, so this may be the first file in it.
            PrefixFolder.Create(prefix);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=localhost, O=Gateway default certificate", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
            PrivateFile.WriteText(keyPath, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(certPath, created.ExportCertificatePem());
        }

        return FromPemFiles(certPath, keyPath);
    }

    /// <summary>A PEM certificate and its key, ready for Kestrel; throws <see cref="CryptographicException"/> when the key is not the certificate's.</summary>
    internal static X509Certificate2 FromPemFiles(string certPath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        // Kestrel needs the key in a persisted form; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
