using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Plugins.KeyAuth;

/// <summary>
/// Reads a request body for a plugin and leaves it readable for the upstream (Kong's
/// <c>kong.request.get_raw_body</c>), and replaces it (<c>kong.service.request.set_body</c>).
/// </summary>
public static class RequestBodies
{
    /// <summary>
    /// The largest body read: Kong reads only bodies nginx kept in memory (client_body_buffer_size) and
    /// fails on larger ones; this gateway keeps up to 1 MiB for the same purpose.
    /// </summary>
    public const int MaxSize = 1024 * 1024;

    /// <summary>The whole body, or null when it is larger than <see cref="MaxSize"/>; the body is rewound for the upstream.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength is > MaxSize)
        {
            return null;
        }

        // Past the threshold the buffer spills to a file, so a large body still reaches the upstream whole.
        request.EnableBuffering(MaxSize);
        using var copy = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                copy.Write(buffer, 0, read);
                if (copy.Length > MaxSize)
                {
                    return null;
                }
            }
        }
        finally
        {
            request.Body.Position = 0;
        }

        return copy.ToArray();
    }

    /// <summary>Sends <paramref name="body"/> upstream instead of the client's body, with its length.</summary>
    public static void Replace(HttpRequest request, byte[] body)
    {
        request.Body = new MemoryStream(body, writable: false);
        request.Headers.Remove("Transfer-Encoding");
        request.ContentLength = body.Length;
    }
}
