using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tests.Support;

/// <summary>Self-signed certificates made at run time, as PEM: for the certificate schemas, SNI and TLS listeners.</summary>
internal static class TestCertificates
{
    public static (string Cert, string Key) Rsa(bool ca = false, bool expired = false)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=example.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Make(request, key, ca, expired);
    }

    public static (string Cert, string Key) Ecdsa(string subject = "CN=example.com")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        return Make(request, key, ca: false, expired: false);
    }

    private static (string Cert, string Key) Make(CertificateRequest request, AsymmetricAlgorithm key, bool ca, bool expired)
    {
        if (ca)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        }

        var notBefore = expired ? DateTimeOffset.UtcNow.AddDays(-10) : DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = expired ? DateTimeOffset.UtcNow.AddDays(-1) : DateTimeOffset.UtcNow.AddDays(30);
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
