using System.Text.RegularExpressions;
using Gateway.Schema;

namespace Gateway.Node.Routing;

/// <summary>
/// A route regex (a <c>~</c> path or a <c>~*</c> header value) as the router runs it: on the backtracking interpreter,
/// which builds in about 20 us and 1 KB, where the non-backtracking engine takes 3 to 10 ms and 300 to 900 KB a regex
/// (1,000 regex routes took 6.9 s and 640 MB to start). The interpreter runs under <see cref="Timeout"/>: the first
/// match that runs past it switches this regex for good to the non-backtracking engine (<see cref="LinearRegex"/>,
/// time linear in the input), so a hostile pattern or path costs one timeout per pattern, never one per request.
/// Both engines give the same match and captures.
/// </summary>
internal sealed class RouteRegex
{
    /// <summary>How long the interpreter may run one match before the regex moves to the linear engine.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(10);

    private readonly string _pattern;
    private Regex? _regex;

    private RouteRegex(string pattern, Regex regex)
    {
        _pattern = pattern;
        _regex = regex;
    }

    /// <summary>Whether the regex runs on the linear engine (built so, or moved there by a timeout).</summary>
    public bool IsLinear => _regex?.Options.HasFlag(RegexOptions.NonBacktracking) ?? true;

    /// <summary>
    /// Builds <paramref name="pattern"/>, or returns null and names in <paramref name="unsupported"/> the construct the
    /// linear engine cannot run (such a regex never matches, as before the Admin API refused it). Only a pattern that may
    /// hold such a construct pays for the linear engine here. Throws <see cref="ArgumentException"/> when it is not a regex.
    /// </summary>
    public static RouteRegex? TryCreate(string pattern, out string? unsupported, string? written = null)
    {
        unsupported = null;
        if (!MayNeedBacktracking(pattern))
        {
            return new RouteRegex(pattern, new Regex(pattern, RegexOptions.CultureInvariant, Timeout));
        }

        return LinearRegex.TryCompile(pattern, out unsupported, written) is { } linear ? new RouteRegex(pattern, linear) : null;
    }

    /// <summary>Matches <paramref name="input"/>; a failed match when the regex turned out to be one the linear engine refuses.</summary>
    public Match Match(string input)
    {
        var regex = _regex;
        try
        {
            return regex?.Match(input) ?? System.Text.RegularExpressions.Match.Empty;
        }
        catch (RegexMatchTimeoutException)
        {
            return MoveToLinear()?.Match(input) ?? System.Text.RegularExpressions.Match.Empty;
        }
    }

    /// <summary>Whether <paramref name="input"/> has a match.</summary>
    public bool IsMatch(string input)
    {
        var regex = _regex;
        try
        {
            return regex?.IsMatch(input) ?? false;
        }
        catch (RegexMatchTimeoutException)
        {
            return MoveToLinear()?.IsMatch(input) ?? false;
        }
    }

    /// <summary>
    /// The linear engine for this pattern, from now on. A pattern it refuses (too large for its automaton, from a file
    /// the Admin API never checked) never matches from then on: retrying it would cost a timeout per request.
    /// </summary>
    private Regex? MoveToLinear()
    {
        var linear = LinearRegex.TryCompile(_pattern, out _);
        Volatile.Write(ref _regex, linear);
        return linear;
    }

    /// <summary>
    /// Whether the text of <paramref name="pattern"/> may hold a construct only a backtracking engine runs (a lookaround,
    /// backreference, atomic group, conditional, balancing group, possessive quantifier or \G). It errs towards yes: a
    /// yes only means the linear engine is built now to say for sure. Named groups are already plain here.
    /// </summary>
    private static bool MayNeedBacktracking(string pattern)
    {
        for (var i = 0; i + 1 < pattern.Length; i++)
        {
            var (c, next) = (pattern[i], pattern[i + 1]);
            var suspicious = c switch
            {
                '(' => next == '?' && i + 2 < pattern.Length && pattern[i + 2] is '=' or '!' or '<' or '>' or '(' or '\'' or 'P',
                '\\' => next is (>= '1' and <= '9') or 'k' or 'G',
                '+' or '*' or '?' or '}' => next == '+',
                _ => false,
            };
            if (suspicious)
            {
                return true;
            }
        }

        return false;
    }
}
