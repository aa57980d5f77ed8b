using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Schema;

/// <summary>Host names and IP addresses, as Kong's kong/tools/ip.lua parses and validates them.</summary>
public static partial class Typedefs
{
    /// <summary>
    /// Parses a host, IPv4 or IPv6 address with an optional port as Kong's <c>utils.normalize_ip</c>:
    /// returns the address, or null with Kong's error ("invalid hostname: x", "invalid port number", ...).
    /// </summary>
    public static HostAddress? NormalizeIp(string address, out string? error)
    {
        error = null;
        var colons = address.Count(c => c == ':');
        if (colons > 1)
        {
            return NormalizeIpv6(address, out error);
        }

        var remainder = address.Replace(":", string.Empty, StringComparison.Ordinal);
        if (remainder.Length > 0 && remainder.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return NormalizeIpv4(address, out error);
        }

        return CheckHostname(address, out error);
    }

    /// <summary>Formats an address as Kong's <c>utils.format_host</c>, with <paramref name="defaultPort"/> when it has none.</summary>
    public static string FormatHost(HostAddress address, int defaultPort)
    {
        var port = address.Port ?? defaultPort;
        return address.Type == HostType.Ipv6 ? $"[{address.Host}]:{port}" : $"{address.Host}:{port}";
    }

    /// <summary>Kong's <c>validate_host</c>: a host name or IP, no port.</summary>
    public static string? ValidateHost(string host)
    {
        var address = NormalizeIp(host, out var error);
        if (error is not null && error != "invalid port number")
        {
            return $"invalid value: {host}";
        }

        return error == "invalid port number" || address?.Port is not null ? "must not have a port" : null;
    }

    /// <summary>Kong's <c>validate_sni</c>: a host name (no IP), no port.</summary>
    public static string? ValidateSni(string host)
    {
        var address = NormalizeIp(host, out var error);
        if (error is not null && error != "invalid port number")
        {
            return $"invalid value: {host}";
        }

        if (address is not null && address.Type != HostType.Name)
        {
            return "must not be an IP";
        }

        return error == "invalid port number" || address?.Port is not null ? "must not have a port" : null;
    }

    /// <summary>Kong's <c>validate_wildcard_host</c>: an SNI with at most one wildcard at either end.</summary>
    public static string? ValidateWildcardHost(string host)
    {
        var index = host.IndexOf('*', StringComparison.Ordinal);
        if (index >= 0)
        {
            if (index != 0 && index != host.Length - 1)
            {
                return "wildcard must be leftmost or rightmost character";
            }

            if (host.Count(c => c == '*') > 1)
            {
                return "only one wildcard must be specified";
            }

            // Kong substitutes a label for the wildcard so the rest of the name is checked as usual.
            host = host.Replace("*", "wildcard", StringComparison.Ordinal);
        }

        return ValidateSni(host);
    }


    /// <summary>
    /// Kong 3.9's <c>is_valid_ip_or_cidr</c> (kong/tools/ip.lua), the rule of <c>typedefs.ip_or_cidr</c>: an
    /// address as the C library's <c>inet_pton</c> reads it (lua-resty-ipmatcher parses with it), an IPv6 one
    /// optionally in brackets, or such an address, '/' and a prefix length written plainly ("8", never "08").
    /// So no short or octal IPv4 forms ("10.1", "010.0.0.1"), no zone ("fe80::1%eth0") and no port.
    /// </summary>
    public static bool IsIpOrCidr(string text)
    {
        if (IsInetAddress(text, out _))
        {
            return true;
        }

        // Kong looks for the '/' from the third character on.
        var slash = text.Length > 2 ? text.IndexOf('/', 2) : -1;
        if (slash < 0 || !IsInetAddress(text[..slash], out var isV6))
        {
            return false;
        }

        var prefix = text.AsSpan(slash + 1);
        var plain = prefix is "0" || (prefix.Length is > 0 and <= 3 && prefix[0] != '0' && !prefix.ContainsAnyExcept("0123456789"));
        return plain && int.Parse(prefix, CultureInfo.InvariantCulture) <= (isV6 ? 128 : 32);
    }

    private static HostAddress? NormalizeIpv4(string address, out string? error)
    {
        error = null;
        var match = Ipv4().Match(address);
        if (!match.Success || (address.Contains(':', StringComparison.Ordinal) && !match.Groups[5].Success))
        {
            error = $"invalid ipv4 address: {address}";
            return null;
        }

        var octets = new int[4];
        for (var i = 0; i < 4; i++)
        {
            octets[i] = int.Parse(match.Groups[i + 1].Value, CultureInfo.InvariantCulture);
            if (octets[i] > 255)
            {
                error = $"invalid ipv4 address: {address}";
                return null;
            }
        }

        int? port = null;
        if (match.Groups[5].Success)
        {
            if (!TryPort(match.Groups[5].Value, out var p))
            {
                error = "invalid port number";
                return null;
            }

            port = p;
        }

        return new HostAddress(HostType.Ipv4, string.Join('.', octets), port);
    }

    private static HostAddress? NormalizeIpv6(string address, out string? error)
    {
        error = null;
        string check;
        int? port = null;
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"invalid ipv6 address: {address}";
                return null;
            }

            check = address[1..close];
            var rest = address[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':' || !rest[1..].All(char.IsAsciiDigit))
                {
                    error = "invalid ipv6 address";
                    return null;
                }

                if (!TryPort(rest[1..], out var p))
                {
                    error = "invalid port number";
                    return null;
                }

                port = p;
            }
        }
        else
        {
            check = address;
        }

        if (check.StartsWith(':'))
        {
            check = "0" + check;
        }

        if (check.EndsWith(':'))
        {
            check += "0";
        }

        var doubleColon = check.IndexOf("::", StringComparison.Ordinal);
        if (doubleColon >= 0)
        {
            var count = check.Count(c => c == ':');
            var insert = ":" + string.Concat(Enumerable.Repeat("0:", Math.Max(0, 8 - count)));
            check = string.Concat(check.AsSpan(0, doubleColon), insert, check.AsSpan(doubleColon + 2));
        }

        var groups = check.Split(':');
        if (groups.Length != 8 || groups.Any(g => g.Length is 0 or > 4 || !g.All(char.IsAsciiHexDigit)))
        {
            error = $"invalid ipv6 address: {address}";
            return null;
        }

        return new HostAddress(HostType.Ipv6, string.Join(':', groups.Select(g => g.PadLeft(4, '0').ToLowerInvariant())), port);
    }

    private static HostAddress? CheckHostname(string address, out string? error)
    {
        error = null;
        var name = address;
        int? port = null;
        var portMatch = TrailingPort().Match(address);
        if (portMatch.Success)
        {
            name = address[..portMatch.Index];
            if (!TryPort(portMatch.Groups[1].Value, out var p))
            {
                error = "invalid port number";
                return null;
            }

            port = p;
        }

        if (!HostnameChars().IsMatch(name) || name.Split('.').Any(s => s.Length == 0 || s.EndsWith('-')))
        {
            error = $"invalid hostname: {address}";
            return null;
        }

        return new HostAddress(HostType.Name, name, port);
    }

    private static bool TryPort(string digits, out int port)
    {
        port = 0;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 65535)
        {
            return false;
        }

        port = (int)value;
        return true;
    }

    /// <summary>ipmatcher's parse_ipv4, else parse_ipv6 (brackets stripped): whether <c>inet_pton</c> takes the address.</summary>
    private static bool IsInetAddress(string text, out bool isV6)
    {
        isV6 = false;
        if (IsInetV4(text))
        {
            return true;
        }

        var address = text.Length > 1 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;

        // .NET's parser also takes zones, brackets and ports, which inet_pton does not: only hex digits,
        // colons and an IPv4 tail (itself as strict as inet_pton's) get that far.
        var lastColon = address.LastIndexOf(':');
        isV6 = lastColon >= 0
            && !address.AsSpan().ContainsAnyExcept("0123456789abcdefABCDEF:.")
            && (!address.Contains('.') || IsInetV4(address.AsSpan(lastColon + 1)))
            && System.Net.IPAddress.TryParse(address, out var parsed)
            && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        return isV6;
    }

    /// <summary>glibc's inet_pton for IPv4: exactly four decimal octets of at most 255, none with a leading zero.</summary>
    private static bool IsInetV4(ReadOnlySpan<char> text)
    {
        var octets = 0;
        foreach (var octet in text.Split('.'))
        {
            var part = text[octet];
            if (++octets > 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || part.ContainsAnyExcept("0123456789")
                || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return octets == 4;
    }

    [GeneratedRegex(@"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?$")]
    private static partial Regex Ipv4();

    [GeneratedRegex(@":(\d+)$")]
    private static partial Regex TrailingPort();

    [GeneratedRegex(@"^[A-Za-z0-9\-._]+$")]
    private static partial Regex HostnameChars();
}
