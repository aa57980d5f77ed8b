using System.Collections.Concurrent;
using System.Text;

namespace Gateway.Node.Routing;

/// <summary>
/// A route's <c>~</c> regex path, compiled once and anchored at the start as Kong's router anchors
/// it. Captures are numbered as PCRE numbers them (every group, named or not, by the position of its
/// opening parenthesis), not as .NET numbers them (named groups last).
/// </summary>
/// <remarks>
/// A hostile pattern or path cannot stall the proxy: a path runs on the backtracking interpreter until one match
/// takes its timeout, then on the non-backtracking engine for good (<see cref="RouteRegex"/>), and a literal prefix
/// is checked before either runs. A pattern that engine cannot run (a lookaround, a backreference...) is refused
/// at the Admin API; one stored before that rule compiles to a path that never matches, and says why in
/// <see cref="Unsupported"/>, so the node still serves every other route.
/// </remarks>
public sealed class PathRegex
{
    /// <summary>
    /// Compiled regexes by source, shared by every snapshot: each Admin API write rebuilds the table,
    /// and recompiling hundreds of unchanged regexes each time would make writes slow. Instances are
    /// immutable and thread-safe; the cache is emptied when it grows past <see cref="CacheLimit"/>.
    /// </summary>
    private static readonly ConcurrentDictionary<string, PathRegex> Cache = new(StringComparer.Ordinal);

    private const int CacheLimit = 20_000;

    private readonly RouteRegex? _regex;
    private readonly string?[] _groupNames;

    private readonly string _literalPrefix;

    private PathRegex(string source, RouteRegex? regex, string?[] groupNames, string? unsupported)
    {
        Source = source;
        _regex = regex;
        _groupNames = groupNames;
        Unsupported = unsupported;
        _literalPrefix = LiteralPrefix(source[1..]);
    }

    /// <summary>The path as written on the route, with its <c>~</c>.</summary>
    public string Source { get; }

    /// <summary>
    /// The construct the non-backtracking engine cannot run, when the pattern has one (it then never matches);
    /// null for every pattern the Admin API accepts.
    /// </summary>
    public string? Unsupported { get; }

    /// <summary>The compiled regex for <paramref name="path"/>, from the shared cache when it was compiled before.</summary>
    public static PathRegex Get(string path)
    {
        if (Cache.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var compiled = Compile(path);
        if (Cache.Count >= CacheLimit)
        {
            Cache.Clear();
        }

        return Cache.GetOrAdd(path, compiled);
    }

    /// <summary>Compiles <paramref name="path"/> (starting with <c>~</c>); throws <see cref="ArgumentException"/> when it is not a valid regex.</summary>
    public static PathRegex Compile(string path)
    {
        var (pattern, names) = Unname(path[1..]);
        var regex = RouteRegex.TryCreate("^(?:" + pattern + ")", out var unsupported, written: path[1..]);
        return new PathRegex(path, regex, names, unsupported);
    }

    /// <summary>Whether the path runs on the linear engine (its pattern needed it, or a match took the interpreter's timeout).</summary>
    internal bool IsLinear => _regex?.IsLinear ?? true;

    /// <summary>The plain text every match starts with (empty when the pattern gives none): checked before the regex runs.</summary>
    public string LiteralPrefix() => _literalPrefix;

    /// <summary>Matches the normalized request path; on success gives the matched text and the captures.</summary>
    public bool TryMatch(string path, out string matched, out RouteCaptures? captures)
    {
        matched = "";
        captures = null;
        if (_regex is null || !path.StartsWith(_literalPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var match = _regex.Match(path);
        if (!match.Success)
        {
            return false;
        }

        matched = match.Value;
        captures = RouteCaptures.From(match, _groupNames);
        return true;
    }

    /// <summary>
    /// The literal text at the start of a pattern (anchored at the start, as route regexes are): the
    /// characters before the first metacharacter, less the last one when a quantifier follows it.
    /// Empty when the pattern has an alternation, since a branch may start differently.
    /// </summary>
    internal static string LiteralPrefix(string pattern)
    {
        if (pattern.Contains('|', StringComparison.Ordinal))
        {
            return "";
        }

        var prefix = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length && !char.IsAsciiLetterOrDigit(pattern[i + 1]))
            {
                prefix.Append(pattern[++i]);
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '~' or '%' or ',' or ';' or '=' or '@' or '!' or '&' or '\'' or ':' or '<' or '>' or '"' or ' ' or '#')
            {
                prefix.Append(c);
            }
            else
            {
                break;
            }

            if (i + 1 < pattern.Length && pattern[i + 1] is '*' or '?' or '{' or '+')
            {
                // The character just taken is quantified: it may be absent (or repeated), so it is not a fixed prefix.
                if (pattern[i + 1] != '+')
                {
                    prefix.Length--;
                }

                break;
            }
        }

        return prefix.ToString();
    }

    /// <summary>
    /// Rewrites every named group <c>(?&lt;n&gt;</c>, <c>(?'n'</c>, <c>(?P&lt;n&gt;</c> as a plain group and records
    /// the name by group number, so .NET numbers groups in PCRE's order. Index 0 is the whole match.
    /// </summary>
    internal static (string Pattern, string?[] Names) Unname(string pattern)
    {
        var names = new List<string?> { null };
        var output = new StringBuilder(pattern.Length);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                output.Append(c).Append(pattern[++i]);
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                output.Append(c);
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                output.Append(c);
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    output.Append(pattern[++i]);
                }

                continue;
            }

            if (c != '(')
            {
                output.Append(c);
                continue;
            }

            var rest = pattern.AsSpan(i + 1);
            if (!rest.StartsWith("?"))
            {
                names.Add(null);
                output.Append(c);
                continue;
            }

            var nameStart = rest.StartsWith("?P<") ? 3
                : rest.StartsWith("?<") && rest.Length > 2 && rest[2] is not '=' and not '!' ? 2
                : rest.StartsWith("?'") ? 2
                : -1;
            if (nameStart < 0)
            {
                output.Append(c);
                continue;
            }

            var close = rest[nameStart - 1] == '\'' ? '\'' : '>';
            var end = rest[nameStart..].IndexOf(close);
            if (end < 0)
            {
                output.Append(c);
                continue;
            }

            names.Add(rest.Slice(nameStart, end).ToString());
            output.Append('(');
            i += nameStart + end + 1;
        }

        return (output.ToString(), [.. names]);
    }
}
