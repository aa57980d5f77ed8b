using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>
/// Forwards every TCP connection it accepts to one target, byte for byte: how hosts in a network namespace reach a
/// server that listens on the test namespace's loopback only (the session's PostgreSQL).
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private TcpRelay(IPEndPoint listen, IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(listen);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Listens on <paramref name="address"/> (a port the system picks) and forwards to <paramref name="target"/>.</summary>
    public static TcpRelay Start(string address, IPEndPoint target) => new(new IPEndPoint(IPAddress.Parse(address), 0), target);

    /// <summary>Stops listening and closes the connections it relays.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var pairs = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                pairs.Add(RelayAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(pairs);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
                await using var clientStream = client.GetStream();
                await using var serverStream = server.GetStream();
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                await Task.WhenAny(clientStream.CopyToAsync(serverStream, done.Token), serverStream.CopyToAsync(clientStream, done.Token));
                await done.CancelAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // Either side went away, or the relay stops: the other side is closed with it.
            }
        }
    }
}
