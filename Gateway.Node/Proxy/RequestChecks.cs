using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Node.Proxy;

/// <summary>
/// What nginx refuses while it reads a request's headers, before any of Kong's phases: TRACE (405), a body framed
/// by both Content-Length and Transfer-Encoding (400), and a Content-Length past client_max_body_size (413).
/// Kong's error handler answers them (kong/templates/nginx_kong.lua error_page).
/// </summary>
internal static class RequestChecks
{
    /// <summary>The header Kestrel moves a Content-Length sent beside Transfer-Encoding to, spelled as Kestrel writes it.</summary>
    private const string RenamedContentLength = "X-Content-Length";

    /// <summary>The status to refuse the request with; 0 when it may go on.</summary>
    /// <param name="context">The client's request.</param>
    /// <param name="maxBodySize">client_max_body_size; 0 for no limit.</param>
    public static int Find(HttpContext context, long maxBodySize)
    {
        var request = context.Request;
        if (HttpMethods.IsTrace(request.Method))
        {
            return StatusCodes.Status405MethodNotAllowed;
        }

        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true)
        {
            return 0;
        }

        if (maxBodySize > 0 && request.ContentLength > maxBodySize)
        {
            return StatusCodes.Status413PayloadTooLarge;
        }

        return HadContentLengthAndTransferEncoding(request.Headers) ? StatusCodes.Status400BadRequest : 0;
    }

    /// <summary>
    /// Whether the client sent both Content-Length and Transfer-Encoding. Kestrel reads such a body as chunked,
    /// renames the Content-Length to X-Content-Length and adds it after every header the client sent (a client's
    /// own X-Content-Length beside both makes Kestrel drop the connection, so the request never gets here). A
    /// chunked request whose last header is an X-Content-Length spelled as Kestrel spells it is taken for that;
    /// a client's own X-Content-Length passes unless the client sent exactly that, last.
    /// </summary>
    private static bool HadContentLengthAndTransferEncoding(IHeaderDictionary headers)
    {
        if (headers.TransferEncoding.Count == 0 || !headers.ContainsKey(RenamedContentLength))
        {
            return false;
        }

        string? last = null;
        foreach (var header in headers)
        {
            last = header.Key;
        }

        return string.Equals(last, RenamedContentLength, StringComparison.Ordinal);
    }
}
