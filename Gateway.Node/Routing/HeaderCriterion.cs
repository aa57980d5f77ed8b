using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Routing;

/// <summary>
/// One entry of a route's <c>headers</c>: the request must carry the header with one of the values.
/// As Kong, values compare lower-cased; a value written <c>~*regex</c> is a regex (unanchored, also
/// lower-cased, pattern included), run as <see cref="RouteRegex"/> runs it.
/// A regex the linear engine cannot run (stored before the Admin API refused it) never matches and is listed in
/// <see cref="Unsupported"/>.
/// </summary>
internal sealed class HeaderCriterion
{
    private readonly string[] _values;
    private readonly RouteRegex[] _regexes;

    public HeaderCriterion(string name, string[] values)
    {
        Name = name;
        var plain = new List<string>();
        var regexes = new List<RouteRegex>();
        var neverMatching = new List<string>();
        foreach (var value in values)
        {
            if (!value.StartsWith("~*", StringComparison.Ordinal))
            {
                plain.Add(value.ToLowerInvariant());
                continue;
            }

            if (RouteRegex.TryCreate(value[2..].ToLowerInvariant(), out var construct) is { } regex)
            {
                regexes.Add(regex);
            }
            else
            {
                neverMatching.Add($"header '{name}' value '{value}' never matches (it contains {construct})");
            }
        }

        _values = [.. plain];
        _regexes = [.. regexes];
        Unsupported = [.. neverMatching];
    }

    /// <summary>The header name.</summary>
    public string Name { get; }

    /// <summary>One line per <c>~*</c> value that never matches, naming the construct the engine cannot run.</summary>
    public IReadOnlyList<string> Unsupported { get; }

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
                if (regex.IsMatch(lowered))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
