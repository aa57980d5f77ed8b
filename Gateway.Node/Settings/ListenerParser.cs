using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Gateway.Node.Settings;

/// <summary>
/// Parses kong.conf listen values: comma-separated <c>&lt;ip|name&gt;:&lt;port&gt; [flag ...]</c> entries, or
/// <c>off</c> for none. Kong's http listener flags are accepted (its stream listener flags by
/// <see cref="ParseStreamList"/>); an unknown flag is an error rather than being silently folded into the address as
/// nginx would.
/// </summary>
public static partial class ListenerParser
{
    /// <summary>The flags a listener accepts, as written in kong.conf (N is a number).</summary>
    public const string KnownFlags = "ssl, http2, proxy_protocol, deferred, bind, reuseport, backlog=N, ipv6only=on|off, so_keepalive=on|off|idle:interval:count";

    /// <summary>The flags a stream listener (stream_listen) accepts: nginx's stream <c>listen</c> parameters as Kong passes them.</summary>
    public const string KnownStreamFlags = "ssl, udp, proxy_protocol, bind, reuseport, backlog=N, ipv6only=on|off, so_keepalive=on|off|idle:interval:count";

    private static readonly HashSet<string> PlainFlags = new(StringComparer.Ordinal)
    {
        "ssl", "http2", "proxy_protocol", "deferred", "bind", "reuseport",
    };

    private static readonly HashSet<string> PlainStreamFlags = new(StringComparer.Ordinal)
    {
        "ssl", "udp", "proxy_protocol", "bind", "reuseport",
    };

    /// <summary>Parses a listen value; <c>off</c> gives an empty list.</summary>
    /// <exception cref="FormatException">The value is malformed; the message is the reason, without the setting name.</exception>
    public static IReadOnlyList<Listener> ParseList(string value) => ParseList(value, PlainFlags, KnownFlags);

    /// <summary>
    /// Parses a stream_listen value; <c>off</c> gives an empty list. nginx refuses <c>ssl</c>, <c>proxy_protocol</c>,
    /// <c>backlog</c> and <c>so_keepalive</c> on a <c>udp</c> listener, and so does this, in nginx's words.
    /// </summary>
    /// <exception cref="FormatException">The value is malformed; the message is the reason, without the setting name.</exception>
    public static IReadOnlyList<Listener> ParseStreamList(string value)
    {
        var listeners = ParseList(value, PlainStreamFlags, KnownStreamFlags);
        foreach (var listener in listeners)
        {
            if (listener.HasFlag("udp") && listener.Flags.FirstOrDefault(IsTcpOnly) is { } tcpOnly)
            {
                throw new FormatException($"\"{tcpOnly.Split('=')[0]}\" parameter is incompatible with \"udp\" in '{listener}'");
            }
        }

        return listeners;
    }

    private static bool IsTcpOnly(string flag) =>
        flag is "ssl" or "proxy_protocol" || flag.StartsWith("backlog=", StringComparison.Ordinal) || flag.StartsWith("so_keepalive=", StringComparison.Ordinal);

    private static IReadOnlyList<Listener> ParseList(string value, HashSet<string> plainFlags, string knownFlags)
    {
        var trimmed = value.Trim();
        if (trimmed == "off")
        {
            return [];
        }

        // Kong tolerates stray commas and spaces around entries, so empty entries are skipped.
        var entries = trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries.Length == 0)
        {
            throw new FormatException("expected 'off' or <ip>:<port> [flags], [... next entry ...]");
        }

        var listeners = new List<Listener>(entries.Length);
        foreach (var entry in entries)
        {
            if (entry == "off")
            {
                throw new FormatException("'off' cannot be combined with other listeners");
            }

            listeners.Add(ParseEntry(entry, plainFlags, knownFlags));
        }

        return listeners;
    }

    /// <summary>Parses exactly one address without flags (such as cluster_listen).</summary>
    /// <exception cref="FormatException">The value is malformed.</exception>
    public static Listener ParseSingle(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Contains(',', StringComparison.Ordinal))
        {
            throw new FormatException($"'{trimmed}' must be a single <ip>:<port>");
        }

        return ParseEntry(trimmed, plainFlags: null, knownFlags: "");
    }

    /// <param name="entry">One listener.</param>
    /// <param name="plainFlags">The flags without a value it may carry; null when it takes no flags at all.</param>
    /// <param name="knownFlags">Every flag it may carry, for the message.</param>
    private static Listener ParseEntry(string entry, HashSet<string>? plainFlags, string knownFlags)
    {
        var parts = entry.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var (host, port) = ParseAddress(parts[0]);
        var flags = new List<string>(parts.Length - 1);
        foreach (var flag in parts.Skip(1))
        {
            if (plainFlags is null)
            {
                throw new FormatException($"'{entry}' takes no flags (unexpected '{flag}')");
            }

            if (!IsKnownFlag(flag, plainFlags))
            {
                throw new FormatException($"unknown flag '{flag}' in '{entry}' (expected {knownFlags})");
            }

            flags.Add(flag);
        }

        return new Listener(host, port, flags);
    }

    private static (string Host, int Port) ParseAddress(string address)
    {
        string host;
        string portText;
        if (address.StartsWith('['))
        {
            // IPv6 must be bracketed, as nginx requires, so the port separator is unambiguous.
            var close = address.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= address.Length || address[close + 1] != ':')
            {
                throw NotAnAddress(address);
            }

            host = address[1..close];
            portText = address[(close + 2)..];
            if (!IPAddress.TryParse(host, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw NotAnAddress(address);
            }

            host = ip.ToString();
        }
        else
        {
            var colon = address.LastIndexOf(':');
            if (colon <= 0 || address.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                throw NotAnAddress(address);
            }

            host = address[..colon];
            portText = address[(colon + 1)..];
            if (!IsIPv4(host) && !IsHostName(host))
            {
                throw NotAnAddress(address);
            }
        }

        if (portText.Length == 0 || !portText.All(char.IsAsciiDigit))
        {
            throw NotAnAddress(address);
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"port {portText} in '{address}' is out of range (0-65535)");
        }

        return (host, port);
    }

    private static bool IsKnownFlag(string flag, HashSet<string> plainFlags) =>
        plainFlags.Contains(flag) || BacklogFlag().IsMatch(flag) || Ipv6OnlyFlag().IsMatch(flag) || KeepaliveFlag().IsMatch(flag);

    // IPAddress.TryParse accepts "1" or "1.2" as IPv4; a listener wants the dotted quad.
    private static bool IsIPv4(string host) => DottedQuad().IsMatch(host) && IPAddress.TryParse(host, out _);

    // Names that look numeric (1.2.3) are malformed addresses, not host names.
    private static bool IsHostName(string host) => HostName().IsMatch(host) && !host.All(c => char.IsAsciiDigit(c) || c == '.');

    private static FormatException NotAnAddress(string address) => new($"'{address}' is not an address:port");

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")]
    private static partial Regex DottedQuad();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^backlog=\d+$")]
    private static partial Regex BacklogFlag();

    [GeneratedRegex(@"^ipv6only=(on|off)$")]
    private static partial Regex Ipv6OnlyFlag();

    [GeneratedRegex(@"^so_keepalive=(on|off|\d*[smh]?:\d*[smh]?:\d*)$")]
    private static partial Regex KeepaliveFlag();
}
