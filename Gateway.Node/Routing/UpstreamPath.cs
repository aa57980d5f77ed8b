namespace Gateway.Node.Routing;

/// <summary>
/// Joins the service path with what is left of the request path after the route matched, as Kong's
/// router does for <c>path_handling</c> v0 (kong/router/utils.lua <c>get_upstream_uri</c>) and v1
/// (kong/router/traditional.lua). Paths here are normalized and unescaped; the caller escapes.
/// </summary>
public static class UpstreamPath
{
    /// <summary>
    /// The upstream path for a request path <paramref name="requestPath"/> that matched
    /// <paramref name="matchedPath"/> (the prefix, or the whole regex match; null when the route has no paths).
    /// </summary>
    public static string Build(string requestPath, string? matchedPath, bool stripPath, string? servicePath, bool v1)
    {
        var prefix = stripPath ? matchedPath : null;
        if ((servicePath is null or "/") && (prefix is null or "/"))
        {
            // Both joins give the request path back here (it is normalized, so it has no "./" for
            // the postfix sanitizing to remove): skip building it again on this common path.
            return requestPath;
        }

        var postfix = SanitizePostfix(prefix is not null ? requestPath[prefix.Length..] : requestPath[1..]);
        var upstreamBase = servicePath ?? "/";
        return v1 ? JoinV1(upstreamBase, postfix, requestPath, prefix is not null) : JoinV0(upstreamBase, postfix, requestPath, prefix is not null);
    }

    /// <summary>Kong's <c>sanitize_uri_postfix</c>: a leftover that starts with a dot segment loses it.</summary>
    public static string SanitizePostfix(string postfix) => postfix switch
    {
        "" => postfix,
        "." or ".." => "",
        _ when postfix.StartsWith("./", StringComparison.Ordinal) => postfix[2..],
        _ when postfix.StartsWith("../", StringComparison.Ordinal) => postfix[3..],
        _ => postfix,
    };

    /// <summary>path_handling v0, the default: no double slash, and a trailing slash follows the request's.</summary>
    public static string JoinV0(string upstreamBase, string postfix, string requestPath, bool strip)
    {
        if (upstreamBase.EndsWith('/'))
        {
            if (!strip)
            {
                // Keep the incoming path, prefixed with the service path, without its leading slash.
                return string.Concat(upstreamBase, requestPath.AsSpan(1));
            }

            if (postfix.Length == 0)
            {
                return upstreamBase == "/" || requestPath.EndsWith('/') ? upstreamBase : upstreamBase[..^1];
            }

            return postfix[0] == '/' ? string.Concat(upstreamBase.AsSpan(0, upstreamBase.Length - 1), postfix) : upstreamBase + postfix;
        }

        if (!strip)
        {
            return requestPath == "/" ? upstreamBase : upstreamBase + requestPath;
        }

        if (postfix.Length == 0)
        {
            return requestPath.Length > 1 && requestPath.EndsWith('/') ? upstreamBase + "/" : upstreamBase;
        }

        return postfix[0] == '/' ? upstreamBase + postfix : string.Concat(upstreamBase, "/", postfix);
    }

    /// <summary>path_handling v1 (deprecated; Kong's traditional router only): plain concatenation.</summary>
    public static string JoinV1(string upstreamBase, string postfix, string requestPath, bool strip)
    {
        if (!strip)
        {
            return string.Concat(upstreamBase, requestPath.AsSpan(1));
        }

        return upstreamBase.EndsWith('/') && postfix.StartsWith('/')
            ? string.Concat(upstreamBase.AsSpan(0, upstreamBase.Length - 1), postfix)
            : upstreamBase + postfix;
    }
}
