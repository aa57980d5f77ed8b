using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.Tests.Node.Streams;

/// <summary>A plain TCP client of a stream listener; every read gives up after <see cref="Patience"/>.</summary>
internal sealed class StreamClient : IAsyncDisposable
{
    /// <summary>How long any read waits.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;

    private StreamClient(Socket socket)
    {
        _socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The connection (TLS over it after <see cref="StartTlsAsync"/>).</summary>
    public Stream Stream { get; private set; }

    /// <summary>A TLS handshake for <paramref name="serverName"/> (any certificate accepted); returns the certificate the server showed.</summary>
    public async Task<X509Certificate2> StartTlsAsync(string serverName)
    {
        X509Certificate2? seen = null;
        var tls = new SslStream(Stream, leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(Patience);
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    seen = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return true;
                },
            },
            timeout.Token);
        Stream = tls;
        return seen ?? throw new InvalidOperationException("the server showed no certificate");
    }

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>, from <paramref name="source"/> (another loopback address, a port) when given.</summary>
    public static async Task<StreamClient> ConnectAsync(IPAddress address, int port, IPEndPoint? source = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                // A source port of the test's choosing may still be in TIME_WAIT from an earlier connection.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(source);
            }

            using var timeout = new CancellationTokenSource(Patience);
            await socket.ConnectAsync(address, port, timeout.Token);
            return new StreamClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>.</summary>
    public static Task<StreamClient> ConnectAsync(int port) => ConnectAsync(IPAddress.Loopback, port);

    /// <summary>
    /// Which backend answers a connection: its greeting, once it has echoed a probe; null when the gateway closed the
    /// connection without an answer (no route).
    /// </summary>
    public static async Task<string?> WhoAnswersAsync(IPAddress address, int port, IPEndPoint? source = null)
    {
        await using var client = await ConnectAsync(address, port, source);
        return await client.GreetingAsync();
    }

    /// <summary>The backend's greeting line after a probe it echoes; null when the connection ended first.</summary>
    public async Task<string?> GreetingAsync()
    {
        var name = await ReadLineAsync();
        if (name is null)
        {
            return null;
        }

        await SendAsync("probe");
        Assert.Equal("probe", await ReadTextAsync("probe".Length));
        return name;
    }

    public async Task SendAsync(string text) => await Stream.WriteAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Ends the client's half of the connection (a FIN); it can still read.</summary>
    public void EndSending() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>A line without its \n; null at EOF (or a reset) before any byte.</summary>
    public async Task<string?> ReadLineAsync()
    {
        var line = new StringBuilder();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            int read;
            try
            {
                read = await Stream.ReadAsync(one, timeout.Token);
            }
            catch (IOException) when (line.Length == 0)
            {
                return null;
            }

            if (read == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }

            if (one[0] == '\n')
            {
                return line.ToString();
            }

            line.Append((char)one[0]);
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes as Latin-1 text.</summary>
    public async Task<string> ReadTextAsync(int count)
    {
        var buffer = new byte[count];
        using var timeout = new CancellationTokenSource(Patience);
        await Stream.ReadExactlyAsync(buffer, timeout.Token);
        return Encoding.Latin1.GetString(buffer);
    }

    /// <summary>Everything until the other side ends its half; a reset counts as the end.</summary>
    public async Task<string> ReadToEndAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var all = new MemoryStream();
        try
        {
            await Stream.CopyToAsync(all, timeout.Token);
        }
        catch (IOException)
        {
            // A reset: what came before is all there is.
        }

        return Encoding.Latin1.GetString(all.ToArray());
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
