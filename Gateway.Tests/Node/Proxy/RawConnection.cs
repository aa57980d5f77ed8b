using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Node.Proxy;

/// <summary>
/// One TCP connection to a node, for the bytes HttpClient will not send (both Content-Length and
/// Transfer-Encoding, a fragment, a body that stops half-way). Every read gives up after a generous
/// while, so a server that never answers fails the test instead of hanging it.
/// </summary>
public sealed class RawConnection : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<RawConnection> OpenAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RawConnection(client);
    }

    /// <summary>Sends one request and reads its answer on a new connection.</summary>
    public static async Task<RawResponse> ExchangeAsync(int port, string request)
    {
        await using var connection = await OpenAsync(port);
        await connection.SendAsync(request);
        return await connection.ReadResponseAsync() ?? throw new InvalidOperationException("the server closed the connection without answering");
    }

    /// <summary>Writes <paramref name="text"/> as ASCII.</summary>
    public async Task SendAsync(string text)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        await _stream.FlushAsync();
    }

    /// <summary>Half-closes the connection: the server reads the end of the stream, as from a client that went away mid-request.</summary>
    public void EndSending() => _client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);

    /// <summary>The next response (its body read by Content-Length, chunks, or to the end); null when the server closed first.</summary>
    public async Task<RawResponse?> ReadResponseAsync()
    {
        var head = await ReadHeadAsync();
        if (head is null)
        {
            return null;
        }

        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }

        byte[] body;
        if (headers.TryGetValue("Content-Length", out var length))
        {
            body = await ReadExactlyAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync();
        }
        else
        {
            body = await ReadToEndAsync();
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    /// <summary>Whether the server closes the connection (rather than leaving it open) within the test's patience.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string?> ReadHeadAsync()
    {
        while (true)
        {
            var end = IndexOfHeadEnd();
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(_pending.GetRange(0, end).ToArray());
                _pending.RemoveRange(0, end + 4);
                return head;
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    private int IndexOfHeadEnd()
    {
        for (var i = 0; i + 3 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n' && _pending[i + 2] == '\r' && _pending[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        while (_pending.Count < count)
        {
            if (!await FillAsync())
            {
                throw new EndOfStreamException($"the body ended after {_pending.Count} of {count} bytes");
            }
        }

        var bytes = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return bytes;
    }

    private async Task<byte[]> ReadChunkedAsync()
    {
        var body = new List<byte>();
        while (true)
        {
            var sizeLine = Encoding.ASCII.GetString(await ReadLineAsync());
            var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
            if (size == 0)
            {
                await ReadLineAsync();
                return [.. body];
            }

            body.AddRange(await ReadExactlyAsync(size));
            await ReadLineAsync();
        }
    }

    private async Task<byte[]> ReadLineAsync()
    {
        while (true)
        {
            for (var i = 0; i + 1 < _pending.Count; i++)
            {
                if (_pending[i] == '\r' && _pending[i + 1] == '\n')
                {
                    var line = _pending.GetRange(0, i).ToArray();
                    _pending.RemoveRange(0, i + 2);
                    return line;
                }
            }

            if (!await FillAsync())
            {
                throw new EndOfStreamException("the connection closed in a chunked body");
            }
        }
    }

    private async Task<byte[]> ReadToEndAsync()
    {
        while (await FillAsync())
        {
        }

        var bytes = _pending.ToArray();
        _pending.Clear();
        return bytes;
    }

    /// <summary>Reads what arrives next; false at the end of the stream (a reset counts as the end).</summary>
    private async Task<bool> FillAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[8192];
        int read;
        try
        {
            read = await _stream.ReadAsync(buffer, timeout.Token);
        }
        catch (IOException)
        {
            return false;
        }

        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        return read > 0;
    }
}
