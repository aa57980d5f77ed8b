using System.Security.Cryptography.X509Certificates;
using Gateway.Node.Settings;

namespace Gateway.Node.Tls;

/// <summary>
/// The certificate of the admin or status listeners' <c>ssl</c> entries: <c>&lt;kind&gt;_ssl_cert</c> and
/// <c>&lt;kind&gt;_ssl_cert_key</c> when set, else a self-signed default in prefix/ (Kong's
/// <c>&lt;kind&gt;-kong-default.crt</c>). Kong takes several pairs as alternate key types (RSA and ECDSA) for the
/// same listeners; every pair is checked at start, and the first is served.
/// </summary>
public static class ListenerCertificate
{
    /// <summary>The Admin API's certificate, or null when no admin_listen entry has <c>ssl</c>.</summary>
    /// <exception cref="SettingsException">A file cannot be read, is not PEM, or the key is not the certificate's.</exception>
    public static X509Certificate2? ForAdmin(GatewaySettings settings) =>
        Load(settings.AdminListen, "admin", settings.AdminSslCert, settings.AdminSslCertKey, settings.Prefix);

    /// <summary>The status API's certificate, or null when no status_listen entry has <c>ssl</c>.</summary>
    /// <exception cref="SettingsException">A file cannot be read, is not PEM, or the key is not the certificate's.</exception>
    public static X509Certificate2? ForStatus(GatewaySettings settings) =>
        Load(settings.StatusListen, "status", settings.StatusSslCert, settings.StatusSslCertKey, settings.Prefix);

    private static X509Certificate2? Load(
        IReadOnlyList<Listener> listeners, string kind, IReadOnlyList<string> certificates, IReadOnlyList<string> keys, string prefix)
    {
        if (!listeners.Any(l => l.Ssl))
        {
            return null;
        }

        if (certificates.Count == 0)
        {
            return DefaultCertificate.LoadOrCreate(prefix, $"{kind}-default");
        }

        var loaded = certificates.Select((certificate, i) => LoadPair($"{kind}_ssl", certificate, keys[i])).ToList();
        foreach (var alternate in loaded.Skip(1))
        {
            alternate.Dispose();
        }

        return loaded[0];
    }

    private static X509Certificate2 LoadPair(string setting, string certificatePath, string keyPath)
    {
        ClusterCertificates.Read($"{setting}_cert", () => X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath))).Dispose();
        ClusterCertificates.Read($"{setting}_cert_key", () => File.ReadAllText(keyPath));
        return ClusterCertificates.Read($"{setting}_cert_key", () => DefaultCertificate.FromPemFiles(certificatePath, keyPath));
    }
}
