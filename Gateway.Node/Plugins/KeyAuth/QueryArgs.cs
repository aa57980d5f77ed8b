namespace Gateway.Node.Plugins.KeyAuth;

/// <summary>
/// Query-string arguments as Kong reads them (<c>kong.request.get_query</c>): names compared exactly
/// after decoding, repeated names giving several values, a bare name (no '=') giving no value.
/// ASP.NET's <c>Request.Query</c> merges names case-insensitively, so the auth plugins read the raw query here.
/// </summary>
public static class QueryArgs
{
    /// <summary>The values of <paramref name="name"/> in <paramref name="query"/> ("?a=1&amp;b" or "a=1"), decoded; null for a bare name.</summary>
    public static List<string?> Get(string query, string name)
    {
        var values = new List<string?>();
        foreach (var (argName, value, _) in Split(query))
        {
            if (argName == name)
            {
                values.Add(value);
            }
        }

        return values;
    }

    /// <summary>The query without the arguments named <paramref name="name"/> (Kong's <c>clear_query_arg</c>); the rest keeps its order and encoding.</summary>
    public static string Remove(string query, string name)
    {
        var kept = Split(query).Where(a => a.Name != name).Select(a => a.Raw).ToList();
        return kept.Count == 0 ? "" : "?" + string.Join('&', kept);
    }

    /// <summary>Decodes a query or form component: '+' is a space, then percent-escapes.</summary>
    public static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static IEnumerable<(string Name, string? Value, string Raw)> Split(string query)
    {
        var text = query.StartsWith('?') ? query[1..] : query;
        foreach (var raw in text.Split('&'))
        {
            if (raw.Length == 0)
            {
                continue;
            }

            var equals = raw.IndexOf('=');
            yield return equals < 0
                ? (Decode(raw), null, raw)
                : (Decode(raw[..equals]), Decode(raw[(equals + 1)..]), raw);
        }
    }
}
