namespace Gateway.Node.Admin;

/// <summary>
/// CORS on the Admin API as Kong does it, so that a browser admin UI on another origin can call it:
/// the Origin is echoed with credentials allowed (never <c>*</c>), and preflights answer 204.
/// </summary>
public static class AdminCors
{
    private const string AllowedMethods = "GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS";

    /// <summary>Adds the CORS headers; true when the request was a preflight and has been answered.</summary>
    public static bool Apply(HttpContext context)
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowCredentials = "true";
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
}
