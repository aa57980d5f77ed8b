using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Node.Tls;

/// <summary>
/// One <c>certificates</c> row loaded for TLS handshakes, with the PEM it was loaded from, so that the next snapshot
/// reuses it when the row's PEM did not change (loading a key is the costly part of a build).
/// </summary>
/// <param name="Pem">The row's cert and key, as they were when loaded.</param>
/// <param name="Context">The certificate with its chain, ready for a handshake.</param>
internal sealed record ServerCertificate(string Pem, SslStreamCertificateContext Context)
{
    /// <summary>Loads a PEM chain (leaf first, then intermediates) and its key; throws when either cannot be read.</summary>
    public static ServerCertificate Load(string certPem, string keyPem)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certPem);
        if (chain.Count == 0)
        {
            throw new ArgumentException("no certificate in the PEM", nameof(certPem));
        }

        var leaf = X509Certificate2.CreateFromPem(chain[0].ExportCertificatePem(), keyPem);
        if (OperatingSystem.IsWindows())
        {
            // SChannel needs a persisted key; a PKCS#12 round trip gives it one.
            leaf = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        return new ServerCertificate(certPem + keyPem, SslStreamCertificateContext.Create(leaf, intermediates, offline: true));
    }
}
