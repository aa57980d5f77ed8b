using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// HTTP/1.1 over a plain socket on loopback, for requests no HTTP client would send (a NUL in the
/// path, a negative Content-Length, a body that stops short): the bytes go out as given, and the
/// first response is read as the server wrote it, until it is complete (or, when asked, until the
/// server closes the connection).
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> (the socket stays open: a short body stalls) and reads the answer.</summary>
    /// <param name="port">The loopback port.</param>
    /// <param name="request">The bytes to send.</param>
    /// <param name="untilClosed">Read on after the response until the server closes the connection (a reset counts); the timeout fails the call.</param>
    public static async Task<RawResponse> SendAsync(int port, byte[] request, bool untilClosed = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(request);

        // Long enough for any refusal here (the body timeout of the tests is 1 s, Kestrel's lingering
        // close after an unread body 5 s); a hang fails the test.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((untilClosed || !RawResponse.IsComplete(received.ToArray())) && (read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (untilClosed && RawResponse.IsComplete(received.ToArray()))
        {
            // A reset after the whole response: the server closed with bytes of ours still unread.
        }

        return RawResponse.Parse(received.ToArray());
    }

    /// <summary>Sends a request line and headers as ASCII text (<c>\r\n</c> added), then <paramref name="body"/>.</summary>
    public static Task<RawResponse> SendAsync(int port, string head, byte[]? body = null, bool untilClosed = false) =>
        SendAsync(port, [.. Encoding.Latin1.GetBytes(head + "\r\n\r\n"), .. body ?? []], untilClosed);
}
