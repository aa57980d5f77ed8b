using System.Net;
using System.Net.Sockets;
using Gateway.Node.Streams.Preread;

namespace Gateway.Tests.Node.Streams.Preread;

/// <summary>
/// ReadUntilAsync on a real loopback TCP connection, with the client's bytes arriving a few at a time.
/// </summary>
public sealed class PrereadReaderTests
{
    private static readonly byte[] V1Header = "PROXY TCP4 203.0.113.9 192.0.2.1 40000 443\r\n"u8.ToArray();

    private static PrereadStatus ParseProxy(ReadOnlyMemory<byte> data) => ProxyProtocolHeader.TryParse(data.Span, out _, out _, out _);

    private static PrereadStatus ParseHello(ReadOnlyMemory<byte> data) => ClientHello.TryReadServerName(data.Span, out _, out _);

    [Fact]
    public async Task ReadUntilAsync_OneByteAtATime_StopsAtTheHeadersLastByte()
    {
        await using var loopback = await Loopback.OpenAsync();
        // The sender waits for each parse before sending the next byte, so every read gets exactly one byte.
        using var parsed = new SemaphoreSlim(0);
        var seen = new List<int>();
        var sending = SendInStepsAsync(loopback.Client, [.. V1Header, .. "payload"u8], 1, parsed, loopback.Timeout);

        var buffer = new byte[ProxyProtocolHeader.MaxLength];
        var (status, buffered) = await PrereadReader.ReadUntilAsync(loopback.Server, buffer, 0, data =>
        {
            seen.Add(data.Length);
            parsed.Release();
            return ParseProxy(data);
        }, loopback.Timeout);

        Assert.Equal(PrereadStatus.Complete, status);
        Assert.Equal(V1Header.Length, buffered);
        Assert.Equal(Enumerable.Range(0, V1Header.Length + 1), seen);
        Assert.Equal(PrereadStatus.Complete, ProxyProtocolHeader.TryParse(buffer.AsSpan(0, buffered), out var header, out var length, out _));
        Assert.Equal(V1Header.Length, length);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000), header!.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 443), header.Destination);
        await loopback.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
    }

    [Fact]
    public async Task ReadUntilAsync_ProxyHeaderThenClientHello_ReadsBothFromOneBuffer()
    {
        var hello = await CapturedClientHello.CaptureAsync("chained.example.com");
        byte[] proxy = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0, 12, 10, 1, 2, 3, 10, 4, 5, 6, 0x30, 0x39, 0x01, 0xBB];
        await using var loopback = await Loopback.OpenAsync();
        var sending = SendInPiecesAsync(loopback.Client, [.. proxy, .. hello, .. "after"u8], 5, loopback.Timeout);
        var buffer = new byte[ClientHello.MaxLength];

        var (status, buffered) = await PrereadReader.ReadUntilAsync(loopback.Server, buffer, 0, ParseProxy, loopback.Timeout);
        Assert.Equal(PrereadStatus.Complete, status);
        Assert.Equal(PrereadStatus.Complete, ProxyProtocolHeader.TryParse(buffer.AsSpan(0, buffered), out var header, out var length, out _));
        Assert.Equal("10.1.2.3:12345", header!.Source!.ToString());
        Assert.Equal(proxy.Length, length);

        // The bytes read past the PROXY header are the ClientHello's start: carried over, not lost.
        buffer.AsSpan(length, buffered - length).CopyTo(buffer);
        (status, buffered) = await PrereadReader.ReadUntilAsync(loopback.Server, buffer, buffered - length, ParseHello, loopback.Timeout);
        Assert.Equal(PrereadStatus.Complete, status);
        Assert.InRange(buffered, hello.Length, hello.Length + 5);
        Assert.Equal(hello, buffer.AsSpan(0, hello.Length).ToArray());
        Assert.Equal(PrereadStatus.Complete, ClientHello.TryReadServerName(buffer.AsSpan(0, buffered), out var serverName, out _));
        Assert.Equal("chained.example.com", serverName);
        await sending;
    }

    [Fact]
    public async Task ReadUntilAsync_StreamEndsInsideTheHeader_IsInvalid()
    {
        await using var loopback = await Loopback.OpenAsync();
        await SendInPiecesAsync(loopback.Client, V1Header[..20], 3, loopback.Timeout);
        loopback.Client.Shutdown(SocketShutdown.Send);

        var (status, buffered) = await PrereadReader.ReadUntilAsync(loopback.Server, new byte[ProxyProtocolHeader.MaxLength], 0, ParseProxy, loopback.Timeout);

        Assert.Equal(PrereadStatus.Invalid, status);
        Assert.Equal(20, buffered);
    }

    [Fact]
    public async Task ReadUntilAsync_BufferFullWhileParserNeedsMore_IsInvalid()
    {
        await using var loopback = await Loopback.OpenAsync();
        await SendInPiecesAsync(loopback.Client, V1Header, 4, loopback.Timeout);

        var (status, buffered) = await PrereadReader.ReadUntilAsync(loopback.Server, new byte[16], 0, ParseProxy, loopback.Timeout);

        Assert.Equal(PrereadStatus.Invalid, status);
        Assert.Equal(16, buffered);
    }

    [Fact]
    public async Task ReadUntilAsync_NotAHeader_IsInvalidWithoutWaitingForMore()
    {
        await using var loopback = await Loopback.OpenAsync();
        // The connection stays open: only the parser's verdict can end the read.
        await loopback.Client.SendAsync("GET / HTTP/1.1\r\n"u8.ToArray(), loopback.Timeout);

        var (status, buffered) = await PrereadReader.ReadUntilAsync(loopback.Server, new byte[ClientHello.MaxLength], 0, ParseHello, loopback.Timeout);

        Assert.Equal(PrereadStatus.Invalid, status);
        Assert.InRange(buffered, 1, 16);
    }

    [Fact]
    public async Task ReadUntilAsync_AlreadyBufferedHeader_DoesNotRead()
    {
        await using var loopback = await Loopback.OpenAsync();
        var buffer = new byte[ProxyProtocolHeader.MaxLength];
        V1Header.CopyTo(buffer, 0);

        // Nothing is sent: a read would wait until the timeout and throw.
        var (status, buffered) = await PrereadReader.ReadUntilAsync(loopback.Server, buffer, V1Header.Length, ParseProxy, loopback.Timeout);

        Assert.Equal(PrereadStatus.Complete, status);
        Assert.Equal(V1Header.Length, buffered);
    }

    [Fact]
    public async Task ReadUntilAsync_Cancelled_Throws()
    {
        await using var loopback = await Loopback.OpenAsync();
        var reading = PrereadReader.ReadUntilAsync(loopback.Server, new byte[64], 0, ParseProxy, loopback.Timeout).AsTask();
        await loopback.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task ReadUntilAsync_BufferedPastTheBuffer_Throws()
    {
        await using var stream = new MemoryStream();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            PrereadReader.ReadUntilAsync(stream, new byte[4], 5, ParseProxy, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            PrereadReader.ReadUntilAsync(stream, new byte[4], -1, ParseProxy, CancellationToken.None).AsTask());
    }

    // A connected loopback TCP pair: the test writes on Client, the reader reads Server; Timeout bounds every wait.
    private sealed class Loopback : IAsyncDisposable
    {
        private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

        private Loopback(Socket client, Socket server)
        {
            Client = client;
            Server = new NetworkStream(server, ownsSocket: true);
        }

        public Socket Client { get; }

        public NetworkStream Server { get; }

        public CancellationToken Timeout => _timeout.Token;

        public static async Task<Loopback> OpenAsync()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var accepting = listener.AcceptSocketAsync();
            await client.ConnectAsync(listener.LocalEndpoint);
            return new Loopback(client, await accepting);
        }

        public Task CancelAsync() => _timeout.CancelAsync();

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Server.DisposeAsync();
            _timeout.Dispose();
        }
    }

    private static async Task SendInPiecesAsync(Socket client, byte[] bytes, int piece, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < bytes.Length; offset += piece)
        {
            await client.SendAsync(bytes.AsMemory(offset, Math.Min(piece, bytes.Length - offset)), cancellationToken);
        }
    }

    private static async Task SendInStepsAsync(Socket client, byte[] bytes, int piece, SemaphoreSlim parsed, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < bytes.Length; offset += piece)
        {
            await parsed.WaitAsync(cancellationToken);
            await client.SendAsync(bytes.AsMemory(offset, Math.Min(piece, bytes.Length - offset)), cancellationToken);
        }
    }
}
