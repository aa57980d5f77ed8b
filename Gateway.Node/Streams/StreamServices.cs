using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Gateway.Node.Config;
using Gateway.Node.Routing;
using Gateway.Node.Tls;

namespace Gateway.Node.Streams;

/// <summary>What every stream session of a node uses: the config being served, the SNI certificates, the log, and the node's stop.</summary>
/// <param name="Snapshots">The config snapshots (router, plugins, balancers).</param>
/// <param name="Certificates">The proxy's SNI certificates, for TLS termination.</param>
/// <param name="Logger">The stream log.</param>
/// <param name="Stopping">Cancelled when the node stops: open sessions end.</param>
internal sealed record StreamServices(ConfigSnapshotProvider Snapshots, SniCertificateSelector Certificates, ILogger Logger, CancellationToken Stopping)
{
    /// <summary>How long a client may take to send the PROXY protocol header and its ClientHello (nginx's preread_timeout).</summary>
    public static readonly TimeSpan PrereadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// TLS to a tls service: the server name is the upstream host (nginx's proxy_ssl_name $upstream_host) unless it is an
    /// address; the certificate is checked only when the service sets tls_verify, as Kong's proxy_ssl_verify off.
    /// </summary>
    public static SslClientAuthenticationOptions UpstreamTlsOptions(ServiceModel service, string host) => new()
    {
        TargetHost = IPAddress.TryParse(host, out _) ? "" : host,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = service.TlsVerify == true ? null : static (_, _, _, _) => true,
    };
}
