using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Schema;

/// <summary>The character rules of paths, URLs, names, tags, header and cookie names (Kong's validators' messages, word for word).</summary>
public static partial class Typedefs
{
    /// <summary>
    /// Kong's <c>validate_path</c>: RFC 3986 characters and proper percent-encoding. The code is
    /// "rfc3986" or "percent", as Kong tells the two apart for route paths.
    /// </summary>
    public static (string? Error, string? Code) ValidatePath(string path)
    {
        if (!RfcPath().IsMatch(path))
        {
            return ($"invalid path: '{path}' (characters outside of the reserved list of RFC 3986 found)", "rfc3986");
        }

        var raw = PercentEncoded().Replace(path, "___");
        var percent = raw.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0)
        {
            var bad = raw.Substring(percent, Math.Min(3, raw.Length - percent));
            return ($"invalid url-encoded value: '{bad}'", "percent");
        }

        return (null, null);
    }

    /// <summary>Kong's <c>utils.validate_header_name</c>.</summary>
    public static string? ValidateHeaderName(string name) =>
        HeaderToken().IsMatch(name) ? null : $"bad header name '{name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'";

    /// <summary>Kong's <c>utils.validate_cookie_name</c>.</summary>
    public static string? ValidateCookieName(string name) =>
        CookieToken().IsMatch(name) ? null : $"bad cookie name '{name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'";

    private static string? NoEmptySegments(string path) =>
        path.Contains("//", StringComparison.Ordinal) ? "must not have empty segments" : null;

    private static string? ValidateUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0 ? null : "missing host in url";

    private static string? ValidateName(string name) =>
        AsciiName().IsMatch(name) ? null : $"invalid value '{name}': it must only contain alphanumeric and '., -, _, ~' characters";

    private static string? ValidateUtf8Name(string name)
    {
        foreach (var c in name)
        {
            if (c < 128 && !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_' or '~'))
            {
                return $"invalid value '{name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~";
            }
        }

        return null;
    }

    private static string? ValidateTag(JsonNode value)
    {
        var tag = value.GetValue<string>();

        // Printable ASCII (space to '~') except ',' and '/', plus any non-ASCII character, as Kong's validate_tag.
        foreach (var c in tag)
        {
            if ((c < 128 && (c < ' ' || c > '~' || c is ',' or '/')) || char.IsControl(c))
            {
                return $"invalid tag '{tag}': expected printable ascii (except `,` and `/`) or valid utf-8 sequences";
            }
        }

        return null;
    }

    [GeneratedRegex(@"^/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$")]
    private static partial Regex RfcPath();

    [GeneratedRegex("%[0-9A-Fa-f]{2}")]
    private static partial Regex PercentEncoded();

    [GeneratedRegex(@"^[A-Za-z0-9.\-_~]+$")]
    private static partial Regex AsciiName();

    [GeneratedRegex(@"^[A-Za-z0-9\-_]+$")]
    private static partial Regex HeaderToken();

    [GeneratedRegex(@"^[A-Za-z0-9\-_]+$")]
    private static partial Regex CookieToken();
}
