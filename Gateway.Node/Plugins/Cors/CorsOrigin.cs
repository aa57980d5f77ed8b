using System.Text.RegularExpressions;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Cors;

/// <summary>One configured origin: "*", an exact origin (normalized), or a regex (anchored at both ends, as Kong).</summary>
/// <param name="IsWildcard">The entry is "*".</param>
/// <param name="Domain">The normalized origin for exact entries.</param>
/// <param name="Regex">The regex for regex entries.</param>
/// <param name="ByHost">Whether a regex applies to the origin's host (the entry has no ':') rather than the whole origin.</param>
public sealed record CorsOrigin(bool IsWildcard, string? Domain, Regex? Regex, bool ByHost)
{
    /// <summary>Kong's test for "this doesn't look like a regex".</summary>
    public static bool IsPlain(string entry) => entry.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '/' or '-');

    /// <summary>Prepares an entry as Kong's cors handler does.</summary>
    public static CorsOrigin From(string entry)
    {
        if (entry == "*")
        {
            return new CorsOrigin(true, null, null, false);
        }

        var byHost = !entry.Contains(':');
        if (IsPlain(entry))
        {
            return new CorsOrigin(false, Normalize(entry).Domain, null, byHost);
        }

        // Kong 0.x did not anchor regexes: anchor the end, and the start (dropping a user's '^').
        var pattern = entry.EndsWith('$') ? entry : entry + "$";
        pattern = "^(?:" + (pattern.StartsWith('^') ? pattern[1..] : pattern) + ")";
        var regex = RegexPatterns.Compile(pattern).Regex ?? throw new ArgumentException($"'{entry}' is not a valid regex");
        return new CorsOrigin(false, null, regex, byHost);
    }

    /// <summary>Kong's normalize_origin: scheme://host[:port] without a default port, and the host.</summary>
    public static (string Domain, string Host) Normalize(string origin)
    {
        var schemeEnd = origin.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            // No scheme: LuaSocket's url.parse finds no host; the whole text is both.
            return (origin, origin);
        }

        var scheme = origin[..schemeEnd];
        var rest = origin[(schemeEnd + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        string host = authority;
        string? port = null;
        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && !authority.EndsWith(']'))
        {
            host = authority[..colon];
            port = authority[(colon + 1)..];
        }

        if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443"))
        {
            port = null;
        }

        return ($"{scheme}://{host}{(port is null ? "" : ":" + port)}", host);
    }
}
