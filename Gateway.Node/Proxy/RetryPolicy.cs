using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// When a failed try is tried again, as nginx's <c>proxy_next_upstream error timeout</c> with Kong's
/// <c>proxy_next_upstream_tries</c> (the service's retries + 1; kong/templates/nginx_kong.lua).
/// </summary>
internal static class RetryPolicy
{
    /// <summary>
    /// A connection failure or timeout before any response byte is tried again, up to the service's retries, when
    /// the body can be sent again (none, or buffered by <see cref="RequestBodyBuffer"/>; a streamed one cannot).
    /// As nginx, a non-idempotent request (POST, PATCH) goes on only when it never reached the upstream (the
    /// connection failed). A name that does not resolve is not tried again.
    /// </summary>
    /// <param name="context">The client's request.</param>
    /// <param name="error">How the try failed.</param>
    /// <param name="attempt">The try that failed: 0 for the first.</param>
    /// <param name="retries">The service's retries.</param>
    public static bool MayTryAgain(HttpContext context, ForwarderError error, int attempt, int retries)
    {
        if (attempt >= retries || error is not (ForwarderError.Request or ForwarderError.RequestTimedOut) || context.Response.HasStarted)
        {
            return false;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        return !ForwarderFailures.IsNameResolution(exception)
            && CanSendBodyAgain(context)
            && (IsIdempotent(context.Request.Method) || ForwarderFailures.NeverReachedUpstream(exception));
    }

    /// <summary>Clears what the failed try left on the response and rewinds the body, so the next one starts as the first did.</summary>
    public static void ForgetFailure(HttpContext context)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }
    }

    private static bool CanSendBodyAgain(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true || context.Request.Body.CanSeek;

    /// <summary>RFC 9110's idempotent methods (PATCH and POST are not): what may be sent again after it may have arrived.</summary>
    public static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
        || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsTrace(method);
}
