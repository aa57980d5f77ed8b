using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Cluster.Tls;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Settings;

/// <summary>Reads cluster_cert, cluster_cert_key and cluster_ca_cert (PEM) for cluster_mtls = on.</summary>
public static class ClusterCertificates
{
    /// <summary>
    /// The silo's TLS settings, or null when cluster_mtls is off. A file that cannot be read or is not PEM stops
    /// start-up with a <see cref="SettingsException"/> naming the setting.
    /// </summary>
    public static ClusterTls? Load(GatewaySettings settings, ILogger log)
    {
        if (!settings.ClusterMtls)
        {
            return null;
        }

        var certificate = Read("cluster_cert", () => X509Certificate2.CreateFromPemFile(settings.ClusterCert!, settings.ClusterCertKey));
        if (!certificate.HasPrivateKey)
        {
            throw new SettingsException($"invalid value for cluster_cert_key: {settings.ClusterCertKey} holds no private key of {settings.ClusterCert}");
        }

        var authority = Read("cluster_ca_cert", () => X509CertificateLoader.LoadCertificateFromFile(settings.ClusterCaCert!));
        return new ClusterTls(certificate, authority, log);
    }

    /// <summary>Runs <paramref name="read"/>; a file that cannot be read or is not PEM becomes a <see cref="SettingsException"/> naming the setting.</summary>
    internal static T Read<T>(string name, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new SettingsException($"invalid value for {name}: {e.Message}", e);
        }
    }
}
