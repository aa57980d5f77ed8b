using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Streams;

/// <summary>Certificates for the TLS ends of stream tests: a PEM pair for the Admin API and the same as an SslStream server certificate.</summary>
internal static class StreamCertificates
{
    /// <summary>A self-signed certificate for <paramref name="subject"/> (e.g. <c>CN=a.example</c>), usable as an SslStream server certificate.</summary>
    public static X509Certificate2 Create(string subject) => Load(TestCertificates.Ecdsa(subject));

    /// <summary>The PEM pair as a certificate with its key (through PKCS#12: SslStream on Linux wants a persisted key).</summary>
    public static X509Certificate2 Load((string Cert, string Key) pem)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(pem.Cert, pem.Key);
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
