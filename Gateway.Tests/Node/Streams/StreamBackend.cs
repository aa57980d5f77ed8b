using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.Tests.Node.Streams;

/// <summary>
/// A TCP server on a loopback port of its own behind the gateway's stream routes: each connection is greeted with
/// <c>{name}\n</c> (so a client sees which backend answered), then every byte read is echoed; when the client's
/// half ends (EOF), it writes <see cref="EndMark"/> and closes. With a certificate it is a TLS server (SslStream),
/// so the gateway's client side of tls services and passthrough bytes meet a real handshake.
/// </summary>
internal sealed class StreamBackend : IAsyncDisposable
{
    /// <summary>What the backend writes once it has read the client's EOF.</summary>
    public const string EndMark = "<eof>";

    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _firstBytes = new();
    private readonly Task _accepting;
    private int _connections;
    private int _handshakes;

    private StreamBackend(string name, int port, X509Certificate2? certificate)
    {
        Name = name;
        Port = port;
        _certificate = certificate;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The name it greets with.</summary>
    public string Name { get; }

    /// <summary>Its port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>How many connections it accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>How many TLS handshakes it completed as the server.</summary>
    public int Handshakes => Volatile.Read(ref _handshakes);

    /// <summary>The first bytes (after TLS, for a TLS backend) of each connection, as Latin-1 text.</summary>
    public IReadOnlyList<string> FirstBytes => [.. _firstBytes];

    /// <summary>A plain TCP backend.</summary>
    public static StreamBackend Start(string name) => new(name, Support.FreePorts.Next(), null);

    /// <summary>A TLS backend with a self-signed certificate for <paramref name="subject"/>.</summary>
    public static StreamBackend StartTls(string name, string subject) => new(name, Support.FreePorts.Next(), StreamCertificates.Create(subject));

    /// <summary>The certificate a TLS backend presents.</summary>
    public X509Certificate2 Certificate => _certificate ?? throw new InvalidOperationException("a plain backend has no certificate");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _certificate?.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            Stream stream = client.GetStream();
            if (_certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                Interlocked.Increment(ref _handshakes);
                stream = tls;
            }

            await using (stream)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(Name + "\n"), _stop.Token);
                var buffer = new byte[64 * 1024];
                var first = true;
                int read;
                while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    if (first)
                    {
                        _firstBytes.Enqueue(Encoding.Latin1.GetString(buffer, 0, read));
                        first = false;
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(EndMark), _stop.Token);
                if (stream is SslStream tls)
                {
                    await tls.ShutdownAsync();
                }

                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException
            or System.Security.Authentication.AuthenticationException)
        {
            // The client went away, or the test ended.
        }
    }
}
