using System.Net;
using System.Net.Sockets;

namespace Gateway.Node.Settings;

/// <summary>
/// One entry of a kong.conf listen setting, such as <c>0.0.0.0:8443 http2 ssl</c>.
/// </summary>
/// <param name="Host">The IP address (IPv6 without brackets) or host name.</param>
/// <param name="Port">The TCP port; 0 lets the operating system choose (handy in tests).</param>
/// <param name="Flags">Every flag as written, in order (<c>ssl</c>, <c>http2</c>, <c>reuseport</c>, <c>backlog=16384</c>...).</param>
public sealed record Listener(string Host, int Port, IReadOnlyList<string> Flags)
{
    /// <summary>The parsed address, or null when <see cref="Host"/> is a host name.</summary>
    public IPAddress? Address { get; } = IPAddress.TryParse(Host, out var ip) ? ip : null;

    /// <summary>The address to bind: <c>*</c> and <c>0.0.0.0</c> are every IPv4 address, <c>localhost</c> the IPv4 loopback.</summary>
    public IPAddress BindAddress => Host is "*" or "0.0.0.0" ? IPAddress.Any : Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(Host);

    /// <summary>Whether the listener terminates TLS (the <c>ssl</c> flag).</summary>
    public bool Ssl => HasFlag("ssl");

    /// <summary>Whether the listener offers HTTP/2 (the <c>http2</c> flag).</summary>
    public bool Http2 => HasFlag("http2");

    /// <summary>Whether a stream listener takes UDP datagrams (the <c>udp</c> flag) rather than TCP connections.</summary>
    public bool Udp => HasFlag("udp");

    /// <summary>The <c>backlog=N</c> flag's value, or null.</summary>
    public int? Backlog => Flags.FirstOrDefault(f => f.StartsWith("backlog=", StringComparison.Ordinal)) is { } flag
        && int.TryParse(flag.AsSpan(8), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var backlog) ? backlog : null;

    /// <summary>Whether the listener expects the PROXY protocol header (the <c>proxy_protocol</c> flag).</summary>
    public bool ProxyProtocol => HasFlag("proxy_protocol");

    /// <summary>Whether a flag (without a value, such as <c>reuseport</c>) is present.</summary>
    public bool HasFlag(string flag) => Flags.Contains(flag, StringComparer.Ordinal);

    /// <summary>The listener in kong.conf syntax, IPv6 addresses in brackets: <c>[::1]:8001 ssl</c>.</summary>
    public override string ToString()
    {
        var host = Address?.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Host}]" : Host;
        return Flags.Count == 0 ? $"{host}:{Port}" : $"{host}:{Port} {string.Join(' ', Flags)}";
    }

    /// <summary>Equal when host, port and flags (in order) are equal.</summary>
    public bool Equals(Listener? other) =>
        other is not null && Host == other.Host && Port == other.Port && Flags.SequenceEqual(other.Flags);

    /// <summary>A hash consistent with <see cref="Equals(Listener?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Host, Port, Flags.Count);
}
