using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Schema;

/// <summary>PEM certificates and keys, as Kong's <c>typedefs.certificate</c> and <c>typedefs.key</c> read them.</summary>
public static partial class Typedefs
{
    private static readonly Func<AsymmetricAlgorithm>[] KeyFactories = [RSA.Create, () => ECDsa.Create(), DSA.Create];

    /// <summary>
    /// Loads the first certificate of a PEM text (a chain is fine, as with Kong's <c>x509.new</c>),
    /// or null when the text holds none.
    /// </summary>
    public static X509Certificate2? LoadCertificate(string pem)
    {
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                var der = new byte[fields.DecodedDataLength];
                try
                {
                    return Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written)
                        ? X509CertificateLoader.LoadCertificate(der.AsSpan(0, written))
                        : null;
                }
                catch (CryptographicException)
                {
                    return null;
                }
            }

            rest = rest[fields.Location.End..];
        }

        return null;
    }

    /// <summary>The SubjectPublicKeyInfo of a PEM private (or public) key, or null when it cannot be read.</summary>
    public static byte[]? PublicKeyInfo(string pem)
    {
        foreach (var create in KeyFactories)
        {
            using var algorithm = create();
            try
            {
                algorithm.ImportFromPem(pem);
                return algorithm.ExportSubjectPublicKeyInfo();
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                // Not this algorithm; try the next one.
            }
        }

        return null;
    }

    private static string? ValidateCertificate(string pem) =>
        LoadCertificate(pem) is { } certificate
            ? Dispose(certificate)
            : "invalid certificate: x509.new: could not parse a PEM certificate";

    private static string? ValidateKey(string pem) =>
        PublicKeyInfo(pem) is null ? "invalid key: pkey.new:load_key: could not parse a PEM key" : null;

    private static string? Dispose(IDisposable disposable)
    {
        disposable.Dispose();
        return null;
    }
}
