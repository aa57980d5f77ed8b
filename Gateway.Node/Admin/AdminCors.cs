namespace Gateway.Node.Admin;

/// <summary>
/// CORS on the Admin API as Kong does it, so that a browser admin UI on another origin can call it. Without
/// admin_gui_url the Origin is echoed with credentials allowed (never <c>*</c>). With it, only the origins of its URLs
/// (scheme, host and port, as Kong's <c>admin_gui_origin</c>) are echoed with credentials; any other Origin is answered
/// with the first of them and no <c>Access-Control-Allow-Credentials</c>, so the browser keeps the answer from the page.
/// Preflights answer 204.
/// </summary>
public sealed class AdminCors
{
    private const string AllowedMethods = "GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS";

    private readonly IReadOnlyList<string> _origins;

    /// <param name="adminGuiUrls">admin_gui_url's URLs; empty allows every origin.</param>
    public AdminCors(IReadOnlyList<string> adminGuiUrls)
    {
        _origins = [.. adminGuiUrls.Select(url => new Uri(url).GetLeftPart(UriPartial.Authority))];
    }

    /// <summary>Adds the CORS headers; true when the request was a preflight and has been answered.</summary>
    public bool Apply(HttpContext context)
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        var headers = context.Response.Headers;
        if (IsAllowed(origin))
        {
            headers.AccessControlAllowOrigin = origin;
            headers.AccessControlAllowCredentials = "true";
        }
        else
        {
            headers.AccessControlAllowOrigin = _origins[0];
        }

        headers.Vary = "Origin";
        if (!HttpMethods.IsOptions(request.Method) || request.Headers.AccessControlRequestMethod.Count == 0)
        {
            return false;
        }

        var requested = request.Headers.AccessControlRequestHeaders.ToString();
        headers.AccessControlAllowMethods = AllowedMethods;
        headers.AccessControlAllowHeaders = requested.Length > 0 ? requested : "Content-Type";
        headers.AccessControlMaxAge = "3600";
        context.Response.StatusCode = 204;
        return true;
    }

    // Browsers send scheme and host in lower case; a URL in kong.conf may not be.
    private bool IsAllowed(string origin) =>
        _origins.Count == 0 || _origins.Contains(origin, StringComparer.OrdinalIgnoreCase);
}
