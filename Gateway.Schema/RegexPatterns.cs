using System.Text.RegularExpressions;

namespace Gateway.Schema;

/// <summary>How config regexes are compiled, the same when a schema validates them and when a plugin runs them.</summary>
public static class RegexPatterns
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Compiles a pattern with the non-backtracking engine (linear time, no catastrophic backtracking),
    /// falling back to the backtracking engine with a match timeout for constructs it lacks
    /// (backreferences, lookarounds). Returns the regex or the parser's reason.
    /// </summary>
    public static (Regex? Regex, string? Error) Compile(string pattern)
    {
        try
        {
            return (new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant), null);
        }
        catch (NotSupportedException)
        {
            // Falls through: valid syntax the non-backtracking engine cannot run.
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }

        try
        {
            return (new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout), null);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }
    }
}
