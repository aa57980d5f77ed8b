namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>
/// A media type as Kong's kong/tools/mime_type.lua parses one: type, subtype and parameters. A configured type
/// matches a response's when type and subtype are equal or "*" and the parameters are exactly the same
/// ("application/json" does not match "application/json; charset=utf-8"), as Kong 3.9's proxy-cache compares them.
/// </summary>
public sealed record MediaType(string Type, string Subtype, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Parses "type/subtype; name=value"; null when there is no type and subtype.</summary>
    public static MediaType? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Split(';');
        var slash = parts[0].IndexOf('/');
        if (slash <= 0 || slash == parts[0].Trim().Length - 1)
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.Skip(1))
        {
            var equals = part.IndexOf('=');
            if (equals > 0)
            {
                parameters[part[..equals].Trim().ToLowerInvariant()] = part[(equals + 1)..].Trim().Trim('"');
            }
        }

        return new MediaType(parts[0][..slash].Trim().ToLowerInvariant(), parts[0][(slash + 1)..].Trim().ToLowerInvariant(), parameters);
    }

    /// <summary>Whether this configured type accepts <paramref name="actual"/>.</summary>
    public bool Accepts(MediaType actual) =>
        (Type == "*" || Type == actual.Type)
        && (Subtype == "*" || Subtype == actual.Subtype)
        && Parameters.Count == actual.Parameters.Count
        && Parameters.All(p => actual.Parameters.TryGetValue(p.Key, out var value) && value == p.Value);
}
