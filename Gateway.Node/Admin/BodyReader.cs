using System.IO.Pipelines;
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
        var reader = request.BodyReader;

        // On timeout the pending read is cancelled rather than abandoned: the reader stays usable, so
        // Kestrel can drain what still comes before it closes the connection, instead of logging an error.
        using var idle = new CancellationTokenSource();
        using var onIdle = idle.Token.Register(static r => ((PipeReader)r!).CancelPendingRead(), reader);
        try
        {
            while (true)
            {
                idle.CancelAfter(limits.IdleTimeout);
                var result = await reader.ReadAsync(context.RequestAborted);
                foreach (var segment in result.Buffer)
                {
                    body.Write(segment.Span);
                }

                // Even a cancelled read is advanced: the reader then is not reading any more.
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }

                if (result.IsCanceled)
                {
                    throw Unread(context, 408);
                }
            }
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
