namespace Gateway.Node.Proxy;

/// <summary>
/// Kong's error bodies (kong/tools/http.lua <c>get_error_template</c>, <c>get_mime_type</c>): the same
/// message and request id as JSON, HTML, XML or plain text, chosen from the request's headers.
/// </summary>
public static class ErrorTemplates
{
    /// <summary>application/json; charset=utf-8.</summary>
    public const string Json = "application/json; charset=utf-8";

    /// <summary>text/plain; charset=utf-8.</summary>
    public const string Plain = "text/plain; charset=utf-8";

    private const string Html = "text/html; charset=utf-8";
    private const string Xml = "application/xml; charset=utf-8";

    /// <summary>
    /// The type <c>kong.response.error</c> answers with: the Accept entry with the highest quality,
    /// JSON when there is none or it is not a known type.
    /// </summary>
    public static string ForResponseError(string? accept)
    {
        if (string.IsNullOrEmpty(accept))
        {
            return Json;
        }

        var type = Json;
        var best = 0.0;
        foreach (var entry in accept.Split(','))
        {
            string? name = null;
            var quality = 1.0;
            foreach (var part in entry.Split(';'))
            {
                var trimmed = part.Trim();
                if (trimmed.Contains('/', StringComparison.Ordinal) && !trimmed.Contains(' ', StringComparison.Ordinal))
                {
                    name = trimmed;
                }
                else if (trimmed.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(trimmed.AsSpan(2), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q))
                {
                    quality = q;
                }
            }

            if (quality > best)
            {
                type = MimeType(name);
                best = quality;
            }
        }

        return type;
    }

    /// <summary>
    /// The type Kong's error handler (502, 503, 504 from the proxy) answers with: from Accept, else
    /// Content-Type, else error_default_type (text/plain).
    /// </summary>
    public static string ForProxyError(string? accept, string? contentType) =>
        !string.IsNullOrEmpty(accept) ? MimeType(accept)
        : !string.IsNullOrEmpty(contentType) ? MimeType(contentType)
        : Plain;

    /// <summary>The body for <paramref name="message"/> in <paramref name="mimeType"/> (one of this class's types).</summary>
    public static string Render(string mimeType, string message, string requestId) => mimeType switch
    {
        Plain => $"{message}\nrequest_id: {requestId}\n",
        Html => $"<!doctype html>\n<html>\n  <head>\n    <meta charset=\"utf-8\">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>{message}.</p>\n    <p>request_id: {requestId}</p>\n  </body>\n</html>\n",
        Xml => $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error>\n  <message>{message}</message>\n  <requestid>{requestId}</requestid>\n</error>\n",
        _ => $"{{\n  \"message\":\"{message}\",\n  \"request_id\":\"{requestId}\"\n}}",
    };

    /// <summary>Kong's <c>get_mime_type</c>: the first media range's type, <c>*/*</c> and unknown types giving JSON.</summary>
    private static string MimeType(string? header)
    {
        if (header is null)
        {
            return Json;
        }

        var value = header.Trim();
        var semicolon = value.IndexOf(';');
        if (semicolon >= 0)
        {
            value = value[..semicolon];
        }

        var parts = value.Split('/');
        if (parts.Length < 2)
        {
            return Json;
        }

        if (parts[1] == "*")
        {
            return parts[0] switch
            {
                "application" => Json,
                "text" => Plain,
                _ => Json,
            };
        }

        return value switch
        {
            "text/html" => Html,
            "application/json" => Json,
            "text/plain" => Plain,
            "application/xml" => Xml,
            _ => Json,
        };
    }
}
