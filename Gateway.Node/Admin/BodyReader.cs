using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Gateway.Node.Admin;

/// <summary>
/// Reads an Admin API request body whole, as nginx reads one for Kong: at most
/// <see cref="BodyLimits.MaxBytes"/> (413), and at most <see cref="BodyLimits.IdleTimeout"/> between two
/// reads (nginx's client_body_timeout: 408, and the connection is closed). The body is then served
/// again from memory, so a form reader parses what was read here and cannot stall on the socket.
/// </summary>
public static class BodyReader
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>Reads the body; an absent body is empty.</summary>
    /// <exception cref="AdminException">413 above the limit, 408 when the client stalls, 400 when the body breaks off.</exception>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContext context, BodyLimits limits)
    {
        var request = context.Request;
        if (limits.MaxBytes > 0 && request.ContentLength > limits.MaxBytes)
        {
            throw TooLarge();
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.MaxBytes > 0 ? limits.MaxBytes : null;
        }

        // The idle timeout below is the rule, as in nginx; Kestrel's average-rate rule would let a client
        // that sent a burst and stalled hold the connection for as long as the burst lasts at 240 bytes/s.
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        var body = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            while (true)
            {
                idle.CancelAfter(limits.IdleTimeout);
                var read = await request.Body.ReadAsync(chunk.AsMemory(0, ChunkBytes), idle.Token);
                if (read == 0)
                {
                    break;
                }

                body.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            throw Unread(context, 408);
        }
        catch (BadHttpRequestException e)
        {
            throw e.StatusCode == 413 ? Unread(context, TooLarge()) : Unread(context, e.StatusCode);
        }
        catch (IOException)
        {
            // The client went away mid-body; nobody may read the answer, but it is the caller's doing.
            throw Unread(context, 400);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        body.Position = 0;
        request.Body = body;
        context.Response.RegisterForDispose(body);
        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }

    /// <summary>A refusal for a body not read to its end: what is left of it may still come, so the connection cannot carry another request.</summary>
    private static AdminException Unread(HttpContext context, AdminException refusal)
    {
        context.Response.Headers.Connection = "close";
        return refusal;
    }

    private static AdminException Unread(HttpContext context, int status) => Unread(context, AdminException.WithMessage(status, KongStatusMessages.For(status)));

    private static AdminException TooLarge() => AdminException.WithMessage(413, "Request size limit exceeded");
}
