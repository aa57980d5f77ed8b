namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// The endpoint forms an Admin API path is looked up under, most specific first, as Kong Enterprise's RBAC
/// tries them: the exact path, its <c>/default</c> form, the route pattern (ids as <c>*</c>) and its
/// <c>/default</c> form, the path with more and more of its last segments as <c>*</c> (one <c>*</c> a
/// segment), and last <c>*</c>.
/// </summary>
public static class RbacEndpointForms
{
    /// <summary>The workspace every path is in: this gateway has only Kong's default one.</summary>
    public const string Workspace = "default";

    /// <summary>The forms of <paramref name="segments"/> (the path split on '/', without a leading workspace), in lookup order.</summary>
    public static IReadOnlyList<string> Of(IReadOnlyList<string> segments)
    {
        var forms = new List<string>();
        void Add(string form)
        {
            if (!forms.Contains(form))
            {
                forms.Add(form);
            }
        }

        var exact = Join(segments);
        Add(exact);
        Add($"/{Workspace}{exact}");
        var pattern = Join(RoutePattern(segments));
        Add(pattern);
        Add($"/{Workspace}{pattern}");
        var wildcarded = segments.ToArray();
        for (var i = wildcarded.Length - 1; i >= 0; i--)
        {
            wildcarded[i] = "*";
            Add(Join(wildcarded));
        }

        Add("*");
        return forms;
    }

    /// <summary>
    /// The path as the Admin API route that serves it, its ids as <c>*</c> (<c>/services/*/routes</c>): under
    /// <c>/rbac/{collection}</c> every second segment after the collection, elsewhere every second segment.
    /// </summary>
    public static IReadOnlyList<string> RoutePattern(IReadOnlyList<string> segments)
    {
        var first = segments is ["rbac", ..] ? 2 : 1;
        return [.. segments.Select((s, i) => i >= first && (i - first) % 2 == 0 ? "*" : s)];
    }

    private static string Join(IEnumerable<string> segments) => "/" + string.Join('/', segments);
}
