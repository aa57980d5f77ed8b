using System.Buffers;
using Gateway.Node.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Gateway.Node.Proxy;

/// <summary>
/// nginx's <c>proxy_request_buffering on</c>: the request body is read whole (in memory up to
/// client_body_buffer_size, the rest in a file under client_body_temp) before anything goes upstream, so a body
/// that breaks, stalls or grows past client_max_body_size is answered by the gateway (400, 408, 413) and never
/// reaches the upstream half-sent, and a failed try can send it again.
/// </summary>
internal static class RequestBodyBuffer
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>
    /// Whether the body is read whole first, as Kong decides: a route's <c>request_buffering</c> (true by default)
    /// is honoured on HTTP/1.x only (Kong's runloop sends HTTP/2 through its buffered location); gRPC services and
    /// upgraded connections (WebSocket, HTTP/2 extended CONNECT) always stream.
    /// </summary>
    public static bool Applies(HttpContext context, RouteModel route, ServiceModel service)
    {
        var features = context.Features;
        if (features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true || service.IsGrpc)
        {
            return false;
        }

        var protocol = context.Request.Protocol;
        if (!route.RequestBuffering && (HttpProtocol.IsHttp11(protocol) || HttpProtocol.IsHttp10(protocol)))
        {
            return false;
        }

        return features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest != true
            && features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect != true;
    }

    /// <summary>
    /// Reads the body whole and leaves it rewound as the request's body, with a Content-Length when it came
    /// chunked (nginx sends the upstream the length it read). Returns 0 when it is read, the status to refuse the
    /// request with (400 malformed, 408 stalled past client_body_timeout, 413 past client_max_body_size), or 499
    /// when the client went away.
    /// </summary>
    public static async Task<int> ReadAsync(HttpContext context, RequestBodyOptions options)
    {
        var request = context.Request;
        var body = request.Body;
        if (!body.CanSeek)
        {
            body = new FileBufferingReadStream(body, options.MemorySize, bufferLimit: null, options.TempPath);
            context.Response.RegisterForDispose(body);
            request.Body = body;
        }

        var aborted = context.RequestAborted;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            do
            {
                // nginx's client_body_timeout is the wait for each read, not for the whole body.
                idle.CancelAfter(options.ReadTimeout);
            }
            while (await body.ReadAsync(chunk, idle.Token) > 0);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return StatusCodes.Status408RequestTimeout;
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals of the body: malformed chunks, an early end (400), past the limit (413).
            return aborted.IsCancellationRequested ? StatusCodes.Status499ClientClosedRequest : e.StatusCode;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return StatusCodes.Status499ClientClosedRequest;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        var length = body.Position;
        body.Position = 0;
        if (request.ContentLength is null)
        {
            request.Headers.Remove(HeaderNames.TransferEncoding);
            request.ContentLength = length;
        }

        return 0;
    }

    /// <summary>Makes the folder for bodies past client_body_buffer_size (owner only) and removes what an earlier run left in it.</summary>
    public static void PrepareTempPath(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var leftover in Directory.EnumerateFiles(path))
        {
            File.Delete(leftover);
        }
    }
}
