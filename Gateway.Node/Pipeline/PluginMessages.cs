namespace Gateway.Node.Pipeline;

/// <summary>Kong's default texts per status: <c>kong.response.error</c> without a message, and the error handler's answers to what nginx refuses (kong/tools/http.lua, kong/error_handlers.lua).</summary>
public static class PluginMessages
{
    /// <summary>Kong's default message for an error status.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        408 => "Request timeout",
        411 => "Length required",
        412 => "Precondition failed",
        413 => "Payload too large",
        414 => "URI too long",
        417 => "Expectation failed",
        429 => "API rate limit exceeded",
        494 => "Request header or cookie too large",
        500 => "An unexpected error occurred",
        502 => "An invalid response was received from the upstream server",
        503 => "The upstream server is currently unavailable",
        504 => "The upstream server is timing out",
        _ => $"The upstream server responded with {status}",
    };
}
