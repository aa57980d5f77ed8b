using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>What the exception behind a failed try says, for the retry rules and the gateway's answer.</summary>
internal static class ForwarderFailures
{
    /// <summary>The upstream's name did not resolve: Kong's balancer answers 503 before any connection is tried, and nothing is retried.</summary>
    public static bool IsNameResolution(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The try timed out (connect_timeout, or read_timeout before the response): 504.</summary>
    public static bool IsTimeout(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The connection to the upstream failed: nothing of the request was sent (nginx may then pass even a POST on).</summary>
    public static bool NeverReachedUpstream(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The status for a client body that failed while it was streamed: what Kestrel refused it with (413 past
    /// client_max_body_size, 408), else 400.
    /// </summary>
    public static int ClientBodyStatus(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException bad)
            {
                return bad.StatusCode;
            }
        }

        return StatusCodes.Status400BadRequest;
    }

    /// <summary>The status a failed try means: 504 when it timed out, else 502.</summary>
    public static int StatusOf(ForwarderError error, HttpContext context) =>
        error == ForwarderError.RequestTimedOut || IsTimeout(context.Features.Get<IForwarderErrorFeature>()?.Exception) ? 504 : 502;
}
