using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>
/// A TCP relay on a loopback port of its own to a server (the session's PostgreSQL), which a test can cut and restore:
/// cut, it closes every relayed connection and stops listening, so new connections are refused as by a stopped server;
/// restored, it listens on the same port again. One node loses its database this way while the shared server stays up
/// for every other test. It may listen on another address of the test's own (a bridge that network namespaces reach).
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly IPAddress _listenAddress;
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly Lock _lock = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;

    private TcpRelay(IPEndPoint target, IPAddress listenAddress, int port)
    {
        _target = target;
        _listenAddress = listenAddress;
        Port = port;
    }

    /// <summary>The relay's port, on 127.0.0.1 or the address it was started on.</summary>
    public int Port { get; }

    /// <summary>
    /// Starts relaying from a free port on <paramref name="listenAddress"/> (default 127.0.0.1) to
    /// <paramref name="host"/> (an address or a name):<paramref name="port"/>.
    /// </summary>
    public static TcpRelay Start(string host, int port, string? listenAddress = null)
    {
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : Dns.GetHostAddresses(host)[0];
        var listen = listenAddress is null ? IPAddress.Loopback : IPAddress.Parse(listenAddress);
        var relay = new TcpRelay(new IPEndPoint(address, port), listen, FreePorts.Next());
        relay.Restore();
        return relay;
    }

    /// <summary>Closes every relayed connection and refuses new ones.</summary>
    public async Task CutAsync()
    {
        Task accepting;
        lock (_lock)
        {
            _listener?.Dispose();
            _listener = null;
            accepting = _accepting;
        }

        await accepting;
        foreach (var socket in _connections.Keys)
        {
            socket.Dispose();
        }
    }

    /// <summary>Listens (again) on <see cref="Port"/>.</summary>
    public void Restore()
    {
        lock (_lock)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(_listenAddress, Port));
            listener.Listen();
            _listener = listener;
            _accepting = AcceptAsync(listener);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await CutAsync();

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            _connections[client] = 0;
            _connections[server] = 0;
            try
            {
                await server.ConnectAsync(_target);
                await using var fromClient = new NetworkStream(client, ownsSocket: false);
                await using var toServer = new NetworkStream(server, ownsSocket: false);

                // Either side ending (or a cut disposing the sockets) ends both.
                await Task.WhenAny(fromClient.CopyToAsync(toServer), toServer.CopyToAsync(fromClient));
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
            }
            finally
            {
                _connections.TryRemove(client, out _);
                _connections.TryRemove(server, out _);
            }
        }
    }
}
