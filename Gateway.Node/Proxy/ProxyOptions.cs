using System.Net;
using Gateway.Node.Admin;
using Gateway.Node.Settings;

namespace Gateway.Node.Proxy;

/// <summary>The proxy's settings, read once at start.</summary>
public sealed class ProxyOptions
{
    /// <summary>Reads the proxy's part of the node settings.</summary>
    public ProxyOptions(GatewaySettings settings)
        : this(new ProxyHeaders(settings.Headers), settings.TrustedIps)
    {
    }

    /// <summary>Builds options from their parts (tests).</summary>
    public ProxyOptions(ProxyHeaders headers, IReadOnlyList<IPNetwork> trustedIps)
    {
        Headers = headers;
        TrustedIps = trustedIps;
        ServerToken = $"kong/{NodeIdentity.KongVersion}";
        UpstreamVia = $"1.1 {ServerToken}";
        Via10 = $"1 {ServerToken}";
        Via2 = $"2 {ServerToken}";
        Via3 = $"3 {ServerToken}";
    }

    /// <summary>Which response headers are on.</summary>
    public ProxyHeaders Headers { get; }

    /// <summary>trusted_ips: peers whose X-Forwarded-* headers are believed.</summary>
    public IReadOnlyList<IPNetwork> TrustedIps { get; }

    /// <summary>The Server header value: <c>kong/3.9.1</c>.</summary>
    public string ServerToken { get; }

    /// <summary>The Via entry for HTTP/1.1 (also what goes upstream).</summary>
    public string UpstreamVia { get; }

    /// <summary>The Via entry for HTTP/1.0 clients.</summary>
    public string Via10 { get; }

    /// <summary>The Via entry for HTTP/2 clients.</summary>
    public string Via2 { get; }

    /// <summary>The Via entry for HTTP/3 clients.</summary>
    public string Via3 { get; }

    /// <summary>Whether a peer is in trusted_ips.</summary>
    public bool IsTrusted(IPAddress? address)
    {
        if (address is null || TrustedIps.Count == 0)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in TrustedIps)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
