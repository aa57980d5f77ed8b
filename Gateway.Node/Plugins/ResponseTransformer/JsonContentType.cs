namespace Gateway.Node.Plugins.ResponseTransformer;

/// <summary>
/// Kong 3.9's is_json_body (response-transformer/header_transformer.lua): any of the comma-separated
/// media types is application/json or application/*+json ("application/problem+json" counts, a
/// parameter such as "text/plain; x=application/json" does not).
/// </summary>
public static class JsonContentType
{
    /// <summary>Whether a Content-Type value names a JSON body.</summary>
    public static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        foreach (var item in contentType.Split(','))
        {
            var mediaType = item.Split(';')[0].Trim();
            var slash = mediaType.IndexOf('/');
            if (slash <= 0)
            {
                continue;
            }

            var type = mediaType[..slash].Trim();
            var subtype = mediaType[(slash + 1)..].Trim();
            if (type.Equals("application", StringComparison.OrdinalIgnoreCase)
                && (subtype.Equals("json", StringComparison.OrdinalIgnoreCase) || subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }
}
