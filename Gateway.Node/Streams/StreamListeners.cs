using System.Net.Sockets;
using Gateway.Node.Settings;

namespace Gateway.Node.Streams;

/// <summary>
/// The node's stream_listen entries (Kong's stream subsystem): a TCP accept loop per TCP listener, running each
/// connection as a <see cref="TcpStreamSession"/>, and a <see cref="UdpStreamListener"/> per <c>udp</c> one. Sockets
/// of its own rather than Kestrel's: a byte proxy needs the half-close Kestrel's transport does not give (completing
/// its output closes the whole socket). Binding happens at start, so a port in use stops start-up with one line;
/// sessions read the config snapshot current when they begin, so a config change leaves open sessions alone.
/// </summary>
internal sealed partial class StreamListeners(IReadOnlyList<Listener> listeners, int maxSessions, Func<CancellationToken, StreamServices> services, ILogger logger)
    : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _loops = [];
    private int _sessions;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var shared = services(_stopping.Token);
        foreach (var listener in listeners)
        {
            var socket = StreamSockets.Bind(listener);
            _sockets.Add(socket);
            _loops.Add(listener.Udp
                ? new UdpStreamListener(listener, socket, shared, maxSessions).RunAsync()
                : AcceptAsync(listener, socket, shared));
            LogListening(logger, listener.ToString());
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync(Listener listener, Socket socket, StreamServices shared)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                // A connection that went away while queued (ECONNABORTED): accept the next.
                continue;
            }

            if (Interlocked.Increment(ref _sessions) > maxSessions)
            {
                // nginx's worker_connections: past it, new connections are closed at once.
                Interlocked.Decrement(ref _sessions);
                LogTooManySessions(logger, listener.ToString(), maxSessions);
                client.Dispose();
                continue;
            }

            _ = RunAsync(listener, client, shared);
        }
    }

    private async Task RunAsync(Listener listener, Socket client, StreamServices shared)
    {
        try
        {
            // Off the accept loop at once: the session's first awaits run here.
            await Task.Yield();
            await TcpStreamSession.RunAsync(shared, listener, client);
        }
        finally
        {
            Interlocked.Decrement(ref _sessions);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "stream proxy listening on {Listener}")]
    private static partial void LogListening(ILogger logger, string listener);

    [LoggerMessage(Level = LogLevel.Warning, Message = "stream listener {Listener}: {Max} worker_connections are not enough, connection closed")]
    private static partial void LogTooManySessions(ILogger logger, string listener, int max);
}
