using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Gateway.Cluster.Tls;

/// <summary>cluster_mtls = on: the certificate this silo shows and the CA every peer's certificate must chain to.</summary>
/// <param name="Certificate">cluster_cert with its private key (cluster_cert_key).</param>
/// <param name="Authority">cluster_ca_cert.</param>
/// <param name="Log">Where a refused peer is reported, one line each.</param>
public sealed record ClusterTls(X509Certificate2 Certificate, X509Certificate2 Authority, ILogger Log);
