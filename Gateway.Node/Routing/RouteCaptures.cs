using System.Text.RegularExpressions;

namespace Gateway.Node.Routing;

/// <summary>
/// What a regex path captured, as Kong's <c>ngx.ctx.router_matches.uri_captures</c>: index 0 is the
/// whole match, then every group by number; named groups are also found by name. A group that did
/// not take part in the match is absent.
/// </summary>
public sealed class RouteCaptures
{
    private RouteCaptures(string?[] numbered, Dictionary<string, string> named)
    {
        Numbered = numbered;
        Named = named;
    }

    /// <summary>Captures by number (0 = the whole match); null where a group did not participate.</summary>
    public IReadOnlyList<string?> Numbered { get; }

    /// <summary>Captures by group name.</summary>
    public IReadOnlyDictionary<string, string> Named { get; }

    internal static RouteCaptures From(Match match, string?[] names)
    {
        var numbered = new string?[match.Groups.Count];
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < numbered.Length; i++)
        {
            var group = match.Groups[i];
            if (!group.Success)
            {
                continue;
            }

            numbered[i] = group.Value;
            if (i < names.Length && names[i] is { } name)
            {
                named[name] = group.Value;
            }
        }

        return new RouteCaptures(numbered, named);
    }
}
