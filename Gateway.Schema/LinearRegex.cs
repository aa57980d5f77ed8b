using System.Text.RegularExpressions;

namespace Gateway.Schema;

/// <summary>
/// How route regexes (a route's <c>~</c> paths and <c>~*</c> header values) are compiled, the same when the routes
/// schema validates them and when the router runs them: on .NET's non-backtracking engine only, whose matching time is
/// linear in the input whatever the pattern, so no pattern or request path can stall the proxy. Kong's
/// traditional_compatible router runs them on Rust's regex crate, which lacks the same constructs and refuses them the
/// same way.
/// </summary>
public static class LinearRegex
{
    /// <summary>Why a construct is refused, for the messages that name it.</summary>
    public const string Rule =
        "route regexes run in linear time, as in Kong's traditional_compatible router, without lookarounds, "
        + "backreferences, atomic groups, conditionals, balancing groups, possessive quantifiers or \\G";

    private const string ConstructPrefix = "containing: '";

    /// <summary>
    /// Compiles <paramref name="pattern"/> on the non-backtracking engine. Throws <see cref="NotSupportedException"/>
    /// for a construct it lacks (see <see cref="Construct"/>) and <see cref="ArgumentException"/> for an invalid pattern.
    /// </summary>
    public static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    /// <summary>
    /// Compiles <paramref name="pattern"/>, or returns null and names in <paramref name="unsupported"/> the construct the
    /// engine cannot run. <paramref name="written"/> is the pattern as the user wrote it when <paramref name="pattern"/> was
    /// rewritten from it (anchored, groups renumbered): what the engine lacks is looked for there when the rewrite does
    /// not parse. Throws <see cref="ArgumentException"/> when the pattern is not a regex.
    /// </summary>
    public static Regex? TryCompile(string pattern, out string? unsupported, string? written = null)
    {
        unsupported = null;
        try
        {
            return Compile(pattern);
        }
        catch (NotSupportedException e)
        {
            unsupported = Construct(e);
        }
        catch (ArgumentException) when (Unsupported(written ?? pattern) is { } construct)
        {
            // A possessive quantifier, or a backreference to a group the rewrite made plain.
            unsupported = construct;
        }

        return null;
    }

    /// <summary>
    /// The parser's message when <paramref name="pattern"/> is not a regex at all, or null. A possessive quantifier is
    /// left to <see cref="Unsupported"/>, which names it.
    /// </summary>
    public static string? SyntaxError(string pattern)
    {
        try
        {
            // Parsing only: the backtracking engine's constructor parses without building an automaton.
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            return null;
        }
        catch (RegexParseException e) when (IsPossessive(pattern, e))
        {
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The construct of <paramref name="pattern"/> the linear-time engine cannot run ("positive lookahead (?= pattern)
    /// or ..."), or null when it runs the pattern. Throws <see cref="ArgumentException"/> when the pattern is not a regex
    /// (see <see cref="SyntaxError"/>).
    /// </summary>
    public static string? Unsupported(string pattern)
    {
        try
        {
            _ = Compile(pattern);
            return null;
        }
        catch (NotSupportedException e)
        {
            return Construct(e);
        }
        catch (RegexParseException e) when (IsPossessive(pattern, e))
        {
            return "a possessive quantifier";
        }
    }

    /// <summary>The construct named by the engine's refusal, or its whole message when it names none (a pattern too large).</summary>
    public static string Construct(NotSupportedException refusal)
    {
        var message = refusal.Message;
        var start = message.IndexOf(ConstructPrefix, StringComparison.Ordinal);
        var end = message.LastIndexOf('\'');
        return start >= 0 && end > start + ConstructPrefix.Length
            ? message[(start + ConstructPrefix.Length)..end]
            : message;
    }

    /// <summary>PCRE's <c>a++</c>, <c>a*+</c>, <c>a?+</c>, <c>a{2}+</c>: .NET reads the <c>+</c> as a second quantifier.</summary>
    private static bool IsPossessive(string pattern, RegexParseException e) =>
        e.Error == RegexParseError.NestedQuantifiersNotParenthesized
        && e.Offset >= 2 && e.Offset <= pattern.Length
        && pattern[e.Offset - 1] == '+' && pattern[e.Offset - 2] is '*' or '+' or '?' or '}';
}
