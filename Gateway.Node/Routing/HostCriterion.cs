namespace Gateway.Node.Routing;

/// <summary>One entry of a route's <c>hosts</c>: exact, <c>*.suffix</c> or <c>prefix.*</c>, with an optional port.</summary>
internal sealed class HostCriterion
{
    private readonly string _value;
    private readonly HostKind _kind;
    private readonly int _port;

    public HostCriterion(string host)
    {
        var (name, port) = SplitHostPort(host);
        _port = port;
        if (name.StartsWith('*'))
        {
            _kind = HostKind.Suffix;
            _value = name[1..];
        }
        else if (name.EndsWith('*'))
        {
            _kind = HostKind.Prefix;
            _value = name[..^1];
        }
        else
        {
            _kind = HostKind.Exact;
            _value = name;
        }
    }

    private enum HostKind
    {
        Exact,
        Prefix,
        Suffix,
    }

    /// <summary>The host name without port, for the exact-host index; null for a wildcard.</summary>
    public string? ExactName => _kind == HostKind.Exact ? _value : null;

    /// <summary>Whether a request host (without port) and port match.</summary>
    public bool Matches(ReadOnlySpan<char> host, int port)
    {
        if (_port != 0 && _port != port)
        {
            return false;
        }

        return _kind switch
        {
            HostKind.Exact => host.Equals(_value, StringComparison.OrdinalIgnoreCase),
            HostKind.Suffix => host.EndsWith(_value, StringComparison.OrdinalIgnoreCase),
            _ => host.StartsWith(_value, StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>
    /// Splits <c>name:port</c> as Kong's <c>split_host_port</c> does: a trailing numeric port is taken
    /// off; a bracketed IPv6 address keeps its colons. Port 0 means none.
    /// </summary>
    public static (string Name, int Port) SplitHostPort(string host)
    {
        var colon = host.LastIndexOf(':');
        if (colon < 0 || (host.StartsWith('[') && host.IndexOf(']') > colon))
        {
            return (host, 0);
        }

        return int.TryParse(host.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            ? (host[..colon], port)
            : (host, 0);
    }
}
