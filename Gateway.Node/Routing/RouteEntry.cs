using System.Text.Json.Nodes;

namespace Gateway.Node.Routing;

/// <summary>
/// One matcher of the route table: a route, or one part of it. As Kong's traditional_compatible
/// router, a route whose paths differ in kind or length is split into one entry per regex group and
/// per prefix length, each with its own priority.
/// </summary>
internal sealed class RouteEntry
{
    private const ulong PlainHostOnlyBit = 1UL << 60;
    private const ulong RegexUrlBit = 1UL << 51;

    private readonly string[]? _methods;
    private readonly string[]? _snis;
    private readonly HostCriterion[]? _hosts;
    private readonly HeaderCriterion[]? _headers;
    private readonly string[]? _prefixes;
    private readonly PathRegex[]? _regexes;

    public RouteEntry(RouteModel route, JsonObject row, string[] paths)
    {
        Route = route;
        var methods = RowReader.Strings(row, "methods");
        _methods = methods.Length > 0 ? methods : null;
        var snis = RowReader.Strings(row, "snis");
        _snis = snis.Length > 0 ? [.. snis.Select(s => s.Length > 1 && s.EndsWith('.') ? s[..^1] : s)] : null;
        var hosts = RowReader.Strings(row, "hosts");
        _hosts = hosts.Length > 0 ? [.. hosts.Select(h => new HostCriterion(h))] : null;
        _headers = ReadHeaders(row);

        var regexes = paths.Where(p => p.StartsWith('~')).ToArray();
        var prefixes = paths.Where(p => !p.StartsWith('~')).ToArray();
        _regexes = regexes.Length > 0
            ? [.. regexes.Select(PathRegex.Get)]
            : null;
        _prefixes = prefixes.Length > 0 ? prefixes : null;

        // kong/router/transform.lua get_priority: match weight, plain hosts only, header count,
        // regex or not, regex_priority (regex only), prefix length; highest first.
        ulong weight = 0;
        weight += _methods is null ? 0UL : 1;
        weight += _hosts is null ? 0UL : 1;
        weight += _headers is null ? 0UL : 1;
        weight += _snis is null ? 0UL : 1;
        weight += paths.Length == 0 ? 0UL : 1;
        var plainHostOnly = row["hosts"] is JsonArray && !hosts.Any(h => h.Contains('*', StringComparison.Ordinal));
        var headerCount = (ulong)Math.Min(_headers?.Length ?? 0, 255);
        var regexUrl = _regexes is not null;
        var regexPriority = regexUrl ? (ulong)(RowReader.Long(row, "regex_priority") ?? 0) : 0;
        var length = (ulong)(_prefixes?.Max(p => p.Length) ?? 0);
        Priority = (weight << 61)
            | (plainHostOnly ? PlainHostOnlyBit : 0)
            | (headerCount << 52)
            | (regexUrl ? RegexUrlBit : 0)
            | (regexPriority << 19)
            | (length & 0x7FFFF);
        NeverMatching = [
            .. _regexes?.Where(r => r.Unsupported is not null).Select(r => $"path '{r.Source}' never matches (it contains {r.Unsupported})") ?? [],
            .. _headers?.SelectMany(h => h.Unsupported) ?? [],
        ];
        ExactHosts = _hosts is not null && _hosts.All(h => h.ExactName is not null) ? [.. _hosts.Select(h => h.ExactName!)] : null;
        var keys = paths.Select(p => FirstSegment(p.StartsWith('~') ? PathRegex.Get(p).LiteralPrefix() : p)).ToArray();
        PathSegments = keys.Length > 0 && keys.All(k => k is not null) ? [.. keys.Distinct(StringComparer.Ordinal)!] : null;
    }

    public RouteModel Route { get; }

    /// <summary>Kong's 64-bit route priority; higher is tried first.</summary>
    public ulong Priority { get; }

    /// <summary>
    /// One line per regex of the entry that never matches: a construct the non-backtracking engine cannot run, in a
    /// row stored before the Admin API refused it.
    /// </summary>
    public IReadOnlyList<string> NeverMatching { get; }

    /// <summary>The host names when every host is exact (the entry is indexed under them); otherwise null.</summary>
    public string[]? ExactHosts { get; }

    /// <summary>
    /// The first path segments every matching request path must start with (<c>/seg/...</c>), when
    /// each of the entry's paths fixes a whole first segment; otherwise null.
    /// </summary>
    public string[]? PathSegments { get; }

    /// <summary>Checks every criterion; on success gives the matched path and captures.</summary>
    public bool TryMatch(in RouteRequest request, ReadOnlySpan<char> host, int port, out string? matchedPath, out RouteCaptures? captures)
    {
        matchedPath = null;
        captures = null;
        if (_methods is not null && Array.IndexOf(_methods, request.Method) < 0)
        {
            return false;
        }

        // Kong ignores snis on plain-text requests (#6425).
        if (_snis is not null && request.IsHttps && !Contains(_snis, request.Sni))
        {
            return false;
        }

        if (_hosts is not null && !MatchesHost(host, port))
        {
            return false;
        }

        if (_headers is not null)
        {
            foreach (var header in _headers)
            {
                if (!header.Matches(request.Headers[header.Name]))
                {
                    return false;
                }
            }
        }

        if (_regexes is null && _prefixes is null)
        {
            return true;
        }

        if (_regexes is not null)
        {
            foreach (var regex in _regexes)
            {
                if (regex.TryMatch(request.Path, out var matched, out captures))
                {
                    matchedPath = matched;
                    return true;
                }
            }
        }

        if (_prefixes is not null)
        {
            foreach (var prefix in _prefixes)
            {
                if (request.Path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    matchedPath = prefix;
                    return true;
                }
            }
        }

        return false;
    }

    private bool MatchesHost(ReadOnlySpan<char> host, int port)
    {
        foreach (var criterion in _hosts!)
        {
            if (criterion.Matches(host, port))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(string[] values, string? value)
    {
        if (value is null)
        {
            return false;
        }

        var trimmed = value.Length > 1 && value.EndsWith('.') ? value.AsSpan(0, value.Length - 1) : value.AsSpan();
        foreach (var candidate in values)
        {
            if (trimmed.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first segment of a path prefix when the prefix fixes all of it (<c>/a/...</c>), else null.</summary>
    internal static string? FirstSegment(string prefix)
    {
        if (prefix.Length < 2 || prefix[0] != '/')
        {
            return null;
        }

        var end = prefix.IndexOf('/', 1);
        return end > 1 ? prefix[1..end] : null;
    }

    private static HeaderCriterion[]? ReadHeaders(JsonObject row)
    {
        if (row["headers"] is not JsonObject headers || headers.Count == 0)
        {
            return null;
        }

        var result = new List<HeaderCriterion>(headers.Count);
        foreach (var (name, values) in headers)
        {
            var list = values is JsonArray array
                ? array.Select(v => v?.GetValue<string>()).OfType<string>().ToArray()
                : values is JsonValue single ? [single.GetValue<string>()] : [];
            result.Add(new HeaderCriterion(name, list));
        }

        return [.. result];
    }
}
