using System.Net;
using Gateway.Node.Admin;
using Gateway.Node.Settings;
using Gateway.Plugins.Sdk.Tracing;
using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Proxy;

/// <summary>The proxy's settings, read once at start.</summary>
public sealed class ProxyOptions
{
    /// <summary>Reads the proxy's part of the node settings.</summary>
    public ProxyOptions(GatewaySettings settings)
        : this(
            new ProxyHeaders(settings.Headers),
            settings.TrustedIps,
            settings.RealIpHeader,
            settings.RealIpRecursive,
            new RequestBodyOptions(
                settings.NginxHttpClientMaxBodySize,
                settings.NginxHttpClientBodyBufferSize,
                settings.NginxHttpClientBodyTimeout,
                Path.Combine(settings.Prefix, "client_body_temp")))
    {
        LogRequestIds = settings.LogFormat == LogFormat.Json;
        Tracing = settings.TracingInstrumentations;
        TracingSamplingRate = settings.TracingSamplingRate;
        DatabaseName = settings.Database switch
        {
            DatabaseKind.Postgres => "postgresql",
            DatabaseKind.Cassandra => "cassandra",
            DatabaseKind.Off => "off",
            _ => "sqlite",
        };
    }

    /// <summary>The store's name as traces give it (<c>db.system</c>).</summary>
    public string DatabaseName { get; init; } = "sqlite";

    /// <summary>proxy_access_log's writer; null when off.</summary>
    public Observability.ProxyAccessLog? AccessLog { get; init; }

    /// <summary>tracing_instrumentations: what requests make spans of, while a tracing plugin is configured.</summary>
    public TracingInstrumentations Tracing { get; init; }

    /// <summary>tracing_sampling_rate.</summary>
    public double TracingSamplingRate { get; init; } = 0.01;

    /// <summary>Whether the request's log lines carry its <c>kong_request_id</c> (log_format = json: text lines have no place for it).</summary>
    public bool LogRequestIds { get; }

    /// <summary>Builds options from their parts (tests); <paramref name="body"/> defaults to Kong's.</summary>
    public ProxyOptions(
        ProxyHeaders headers, IReadOnlyList<IPNetwork> trustedIps, string realIpHeader = "X-Real-IP", bool realIpRecursive = false, RequestBodyOptions? body = null)
    {
        Headers = headers;
        Body = body ?? RequestBodyOptions.Default;
        TrustedIps = trustedIps;
        RealIpHeader = realIpHeader;
        RealIpRecursive = realIpRecursive;
        ServerToken = $"kong/{NodeIdentity.KongVersion}";
        UpstreamVia = $"1.1 {ServerToken}";
        Via10 = $"1 {ServerToken}";
        Via2 = $"2 {ServerToken}";
        Via3 = $"3 {ServerToken}";
    }

    /// <summary>How request bodies are taken: their limit, buffering and read timeout.</summary>
    public RequestBodyOptions Body { get; }

    /// <summary>Which response headers are on.</summary>
    public ProxyHeaders Headers { get; }

    /// <summary>trusted_ips: peers whose X-Forwarded-* headers are believed.</summary>
    public IReadOnlyList<IPNetwork> TrustedIps { get; }

    /// <summary>real_ip_header: where a trusted peer names the client's address.</summary>
    public string RealIpHeader { get; }

    /// <summary>real_ip_recursive: skip trusted addresses from the right of the header's list.</summary>
    public bool RealIpRecursive { get; }

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

    /// <summary>
    /// The client's address a peer from trusted_ips names in real_ip_header, as nginx's realip module reads it
    /// (Kong's <c>$remote_addr</c>); null when the header is absent or an address in it does not parse. The
    /// value is a list read from the right: its last address, or with real_ip_recursive the last one not in
    /// trusted_ips (the first when all are). Ask only for a trusted peer.
    /// </summary>
    public IPAddress? NamedClient(StringValues header)
    {
        if (header.Count == 0)
        {
            return null;
        }

        var entries = string.Join(',', header.ToArray()).Split(',', StringSplitOptions.TrimEntries);
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            if (!IPEndPoint.TryParse(entries[i], out var endpoint))
            {
                return null;
            }

            var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
            if (!RealIpRecursive || i == 0 || !IsTrusted(address))
            {
                return address;
            }
        }

        return null;
    }

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
