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


    /// <summary>Whether the text is an IPv4 or IPv6 address or CIDR range.</summary>
    public static bool IsIpOrCidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var ip = slash < 0 ? text : text[..slash];
        if (!System.Net.IPAddress.TryParse(ip, out var parsed) || ip.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.Count(c => c == '.') != 3)
        {
            return false;
        }

        if (slash < 0)
        {
            return true;
        }

        var max = parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        return int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) && bits <= max;
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

    [GeneratedRegex(@"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?$")]
    private static partial Regex Ipv4();

    [GeneratedRegex(@":(\d+)$")]
    private static partial Regex TrailingPort();

    [GeneratedRegex(@"^[A-Za-z0-9\-._]+$")]
    private static partial Regex HostnameChars();
}
