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
    /// A connection failure or timeout before any response byte is tried again, up to the service's retries, for
    /// idempotent requests without a body (the body is streamed, not buffered, so it cannot be sent twice). A name
    /// that does not resolve is not tried again.
    /// </summary>
    /// <param name="context">The client's request.</param>
    /// <param name="error">How the try failed.</param>
    /// <param name="attempt">The try that failed: 0 for the first.</param>
    /// <param name="retries">The service's retries.</param>
    public static bool MayTryAgain(HttpContext context, ForwarderError error, int attempt, int retries) =>
        attempt < retries
        && error is ForwarderError.Request or ForwarderError.RequestTimedOut
        && !context.Response.HasStarted
        && IsIdempotentWithoutBody(context)
        && !ForwarderFailures.IsNameResolution(context.Features.Get<IForwarderErrorFeature>()?.Exception);

    /// <summary>Clears what the failed try left on the response, so the next one starts as the first did.</summary>
    public static void ForgetFailure(HttpContext context)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static bool IsIdempotentWithoutBody(HttpContext context)
    {
        var method = context.Request.Method;
        var idempotent = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
            || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsTrace(method);
        return idempotent && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true;
    }
}
