using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Routing;

/// <summary>
/// One entry of a route's <c>headers</c>: the request must carry the header with one of the values.
/// As Kong, values compare lower-cased; a value written <c>~*regex</c> is a regex (unanchored, also
/// lower-cased, pattern included).
/// </summary>
internal sealed class HeaderCriterion
{
    private readonly string[] _values;
    private readonly Regex[] _regexes;

    public HeaderCriterion(string name, string[] values)
    {
        Name = name;
        var plain = new List<string>();
        var regexes = new List<Regex>();
        foreach (var value in values)
        {
            if (value.StartsWith("~*", StringComparison.Ordinal))
            {
                regexes.Add(CompileRegex(value[2..].ToLowerInvariant()));
            }
            else
            {
                plain.Add(value.ToLowerInvariant());
            }
        }

        _values = [.. plain];
        _regexes = [.. regexes];
    }

    /// <summary>The header name.</summary>
    public string Name { get; }

    /// <summary>Whether any value of the request header matches any value of the criterion.</summary>
    public bool Matches(StringValues requestValues)
    {
        for (var i = 0; i < requestValues.Count; i++)
        {
            var value = requestValues[i];
            if (value is null)
            {
                continue;
            }

            foreach (var expected in _values)
            {
                if (value.Equals(expected, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            if (_regexes.Length == 0)
            {
                continue;
            }

            var lowered = value.ToLowerInvariant();
            foreach (var regex in _regexes)
            {
                try
                {
                    if (regex.IsMatch(lowered))
                    {
                        return true;
                    }
                }
                catch (RegexMatchTimeoutException)
                {
                    // A hostile value against a backtracking pattern counts as no match.
                }
            }
        }

        return false;
    }

    private static Regex CompileRegex(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, PathRegex.MatchTimeout);
        }
    }
}
