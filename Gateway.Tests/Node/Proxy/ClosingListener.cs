using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Node.Proxy;

/// <summary>A loopback TCP server that reads a little and hangs up without answering: an upstream failing before its response.</summary>
public sealed class ClosingListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    private ClosingListener(TcpListener listener)
    {
        _listener = listener;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public static Task<ClosingListener> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(new ClosingListener(listener));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            var buffer = new byte[1024];
            _ = await client.GetStream().ReadAsync(buffer, _stop.Token);
            client.Client.Close();
        }
    }
}
