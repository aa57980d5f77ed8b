using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tests.Support;

/// <summary>
/// A CA made at run time that issues node certificates for cluster_mtls, written as PEM files in a temporary
/// folder (deleted on dispose).
/// </summary>
internal sealed class ClusterAuthority : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;
    private readonly string _folder;

    public ClusterAuthority(string name)
    {
        _folder = Directory.CreateTempSubdirectory($"gateway-ca-{name}-").FullName;
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaFile = Path.Combine(_folder, "ca.crt");
        File.WriteAllText(CaFile, _certificate.ExportCertificatePem());
    }

    /// <summary>The CA's certificate file (cluster_ca_cert).</summary>
    public string CaFile { get; }

    /// <summary>Issues a certificate for <paramref name="node"/> and returns the node's cluster_mtls settings.</summary>
    public string[] NodeSettings(string node)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={node}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(8);
        using var certificate = request.Create(_certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
        var cert = Path.Combine(_folder, $"{node}.crt");
        var certKey = Path.Combine(_folder, $"{node}.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(certKey, key.ExportPkcs8PrivateKeyPem());
        return ["--cluster_mtls", "on", "--cluster_cert", cert, "--cluster_cert_key", certKey, "--cluster_ca_cert", CaFile];
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
