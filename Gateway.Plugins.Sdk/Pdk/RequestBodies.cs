using Microsoft.AspNetCore.Http;

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>
/// Reads a request body for a plugin and leaves it readable for the upstream (Kong's
/// <c>kong.request.get_raw_body</c>), and replaces it (<c>kong.service.request.set_raw_body</c>).
/// </summary>
public static class RequestBodies
{
    /// <summary>
    /// The largest body <see cref="ReadAsync"/> reads by default: Kong reads only bodies nginx kept in memory
    /// (client_body_buffer_size) and fails on larger ones; this gateway keeps up to 1 MiB for the same purpose.
    /// </summary>
    public const int MaxSize = 1024 * 1024;

    /// <summary>
    /// The whole body, or null when it is larger than <paramref name="maxSize"/>; the body is rewound for the
    /// upstream (past the size it is buffered to a file, so a large body still reaches the upstream whole).
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxSize = MaxSize)
    {
        if (request.ContentLength > maxSize)
        {
            return null;
        }

        request.EnableBuffering(maxSize);
        using var copy = new MemoryStream();
        var buffer = new byte[Math.Min(16 * 1024, maxSize + 1)];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                copy.Write(buffer, 0, read);
                if (copy.Length > maxSize)
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

    /// <summary>
    /// The whole body, however large, kept in memory as the request's body from then on (so reading it
    /// again costs nothing); a body without a length gets one, as nginx reads it whole before Kong does.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadWholeAsync(HttpRequest request)
    {
        if (request.Body is MemoryStream { Position: 0 } buffered && buffered.TryGetBuffer(out var segment))
        {
            // Read already, here or by a plugin that replaced it.
            return segment.AsMemory(0, (int)buffered.Length);
        }

        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, request.HttpContext.RequestAborted);
        var bytes = copy.ToArray();
        request.Body = new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true);
        if (request.ContentLength is null)
        {
            request.Headers.Remove("Transfer-Encoding");
            request.ContentLength = bytes.Length;
        }

        return bytes;
    }

    /// <summary>Sends <paramref name="body"/> upstream instead of the client's body, with its length (Kong's set_raw_body sets Content-Length).</summary>
    public static void Replace(HttpRequest request, byte[] body)
    {
        request.Body = new MemoryStream(body, 0, body.Length, writable: false, publiclyVisible: true);
        request.Headers.Remove("Transfer-Encoding");
        request.ContentLength = body.Length;
    }
}
