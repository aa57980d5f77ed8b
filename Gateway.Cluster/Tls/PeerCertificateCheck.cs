using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Gateway.Cluster.Tls;

/// <summary>
/// Accepts a peer silo's certificate only when it chains to cluster_ca_cert, whichever side opened the
/// connection; the machine's own trust store plays no part.
/// </summary>
public sealed partial class PeerCertificateCheck(X509Certificate2 authority, ILogger log)
{
    /// <summary>Whether <paramref name="peer"/> chains to the cluster CA; a refusal is logged with the reason.</summary>
    public bool Accepts(X509Certificate2? peer)
    {
        if (peer is null)
        {
            Refused(log, "(none)", "(none)", "the peer sent no certificate");
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(peer))
        {
            return true;
        }

        var why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        Refused(log, peer.Subject, peer.Issuer, $"it does not chain to cluster_ca_cert ({authority.Subject}): {why}");
        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "cluster_mtls: refused the cluster connection of a peer with certificate {Subject} issued by {Issuer}: {Reason}")]
    private static partial void Refused(ILogger logger, string subject, string issuer, string reason);
}
