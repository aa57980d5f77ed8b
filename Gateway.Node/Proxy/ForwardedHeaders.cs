using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Proxy;

/// <summary>
/// Computes what Kong sends upstream as X-Forwarded-* and X-Real-IP (kong/runloop/handler.lua, access
/// phase): the client's own X-Forwarded-* values and real_ip_header count only when its peer address is in
/// trusted_ips (nginx's realip module). One per node; it keeps nothing of a request.
/// </summary>
internal sealed class ForwardedHeaders(ProxyOptions options)
{
    /// <summary>The last local port seen and its text: proxies listen on a port or two, so this saves a string per request.</summary>
    private PortText _portText = new(0, "0");

    /// <summary>The forwarded values of one request.</summary>
    /// <param name="context">The client's request.</param>
    /// <param name="rawPath">The path as the client sent it, without the query (X-Forwarded-Path).</param>
    /// <param name="host">The Host header as sent.</param>
    public ForwardedValues Compute(HttpContext context, string rawPath, string host)
    {
        var request = context.Request;
        var headers = request.Headers;
        var remote = context.Connection.RemoteIpAddress;
        if (remote is { IsIPv4MappedToIPv6: true })
        {
            remote = remote.MapToIPv4();
        }

        // Kong: X-Forwarded-For adds the peer to the client's list, or is the client's address (realip's) alone;
        // X-Real-IP and the plugins' client address are realip's.
        var peer = remote?.ToString() ?? "";
        var trusted = options.IsTrusted(remote);
        var realIp = trusted && options.NamedClient(headers[options.RealIpHeader]) is { } named ? named.ToString() : peer;
        var clientFor = headers["X-Forwarded-For"];
        var forwardedFor = clientFor.Count == 0 ? realIp : $"{clientFor}, {peer}";
        var scheme = request.IsHttps ? "https" : "http";
        var hostName = HostName(host);
        var port = PortOf(context.Connection.LocalPort);
        if (trusted)
        {
            return new ForwardedValues(
                forwardedFor,
                First(headers["X-Forwarded-Proto"]) ?? scheme,
                First(headers["X-Forwarded-Host"]) ?? hostName,
                First(headers["X-Forwarded-Port"]) ?? port,
                First(headers["X-Forwarded-Path"]) ?? rawPath,
                First(headers["X-Forwarded-Prefix"]),
                realIp);
        }

        return new ForwardedValues(forwardedFor, scheme, hostName, port, rawPath, null, realIp);
    }

    /// <summary>nginx's <c>$host</c>: the Host header's name, without port, lower case.</summary>
    private static string HostName(string host)
    {
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && !(host.StartsWith('[') && host.IndexOf(']') > colon))
        {
            host = host[..colon];
        }

        return host.ToLowerInvariant();
    }

    private static string? First(StringValues values) => values.Count == 0 ? null : values[0];

    private string PortOf(int localPort)
    {
        var cached = Volatile.Read(ref _portText);
        if (cached.Port != localPort)
        {
            cached = new PortText(localPort, localPort.ToString(CultureInfo.InvariantCulture));
            Volatile.Write(ref _portText, cached);
        }

        return cached.Text;
    }

    private sealed record PortText(int Port, string Text);
}
