using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Node.Settings;
using Gateway.Node.Streams.Routing;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;

namespace Gateway.Node.Streams;

/// <summary>
/// A <c>udp</c> stream listener, as nginx's stream proxy runs UDP: the first datagram from a client address opens a
/// session (routed with scheme udp, preread plugins run once), which has its own socket connected to the upstream;
/// the client's datagrams go out on it and the upstream's answers come back from the listener's address. A session
/// ends after its service's read_timeout without a datagram either way, and is then logged.
/// </summary>
internal sealed partial class UdpStreamListener
{
    private const int MaxDatagram = 65535;

    private readonly ConcurrentDictionary<IPEndPoint, UdpSession> _sessions = new();
    private readonly Listener _listener;
    private readonly Socket _socket;
    private readonly StreamServices _services;
    private readonly int _maxSessions;

    /// <param name="listener">The stream_listen entry.</param>
    /// <param name="socket">Its bound UDP socket.</param>
    /// <param name="services">What sessions use.</param>
    /// <param name="maxSessions">At most this many sessions at once (nginx's worker_connections); a new client's datagrams past it are dropped.</param>
    public UdpStreamListener(Listener listener, Socket socket, StreamServices services, int maxSessions)
    {
        _listener = listener;
        _socket = socket;
        _services = services;
        _maxSessions = maxSessions;
    }

    /// <summary>Receives until the listener is closed.</summary>
    public async Task RunAsync()
    {
        if (_socket.AddressFamily == AddressFamily.InterNetwork)
        {
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
        }
        else
        {
            _socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
        }

        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram, pinned: true);
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!_services.Stopping.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult received;
            try
            {
                received = await _socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, _services.Stopping);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (_services.Stopping.IsCancellationRequested)
                {
                    return;
                }

                // ICMP port unreachable from an earlier send surfaces here (ECONNREFUSED): receive the next.
                continue;
            }

            var client = (IPEndPoint)received.RemoteEndPoint;
            var local = new IPEndPoint(received.PacketInformation.Address, _listener.Port);
            var datagram = buffer.AsMemory(0, received.ReceivedBytes);
            try
            {
                await ReceivedAsync(client, local, datagram);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogDatagramFailed(_services.Logger, client, e);
            }
        }
    }

    private async Task ReceivedAsync(IPEndPoint client, IPEndPoint local, ReadOnlyMemory<byte> datagram)
    {
        if (_sessions.TryGetValue(client, out var session))
        {
            await session.ForwardAsync(datagram);
        }
        else if (_sessions.Count >= _maxSessions)
        {
            LogTooManySessions(_services.Logger, _listener.ToString(), _maxSessions);
        }
        else
        {
            await OpenAsync(client, local, datagram);
        }
    }

    /// <summary>Routes a new client's first datagram and opens its session (or remembers the refusal, so its next datagrams are dropped too).</summary>
    private async Task OpenAsync(IPEndPoint client, IPEndPoint local, ReadOnlyMemory<byte> first)
    {
        var request = new StreamRequest("udp", StreamSockets.Unmapped(client.Address), client.Port, StreamSockets.Unmapped(local.Address), local.Port, null);
        var session = new UdpSession(this, client, local.Port);
        var (route, plugins, upstream, status) = await StreamAdmission.AdmitAsync(_services, request, udp: true, session.Tries);
        if (upstream is null)
        {
            session.Refuse(route, plugins, status);
        }
        else
        {
            session.Open(route!, plugins!, upstream, route!.Service!.ReadTimeout);
        }

        _sessions[client] = session;
        await session.ForwardAsync(first);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "stream datagram from {Client} failed")]
    private static partial void LogDatagramFailed(ILogger logger, IPEndPoint client, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "stream listener {Listener}: {Max} worker_connections are not enough, datagram dropped")]
    private static partial void LogTooManySessions(ILogger logger, string listener, int max);

    /// <summary>One client address's UDP session.</summary>
    private sealed class UdpSession(UdpStreamListener owner, IPEndPoint client, int serverPort)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly long _startedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        private StreamRoute? _route;
        private StreamPlugins? _plugins;
        private StreamUpstream? _upstream;
        private CancellationTokenSource? _idle;
        private TimeSpan _idleTimeout;
        private int _status = 200;
        private long _received;
        private long _sent;

        public List<BalancerTry> Tries { get; } = [];

        /// <summary>The session goes nowhere: its datagrams are dropped until it idles out (10 s, nginx's default proxy_timeout is longer).</summary>
        public void Refuse(StreamRoute? route, StreamPlugins? plugins, int status)
        {
            (_route, _plugins, _status, _idleTimeout) = (route, plugins, status, TimeSpan.FromSeconds(10));
            _idle = CancellationTokenSource.CreateLinkedTokenSource(owner._services.Stopping);
            _ = ExpireAsync();
        }

        public void Open(StreamRoute route, StreamPlugins plugins, StreamUpstream upstream, TimeSpan idleTimeout)
        {
            (_route, _plugins, _upstream, _idleTimeout) = (route, plugins, upstream, idleTimeout);
            _idle = CancellationTokenSource.CreateLinkedTokenSource(owner._services.Stopping);
            _ = ReturnAsync();
        }

        /// <summary>A datagram from the client, sent on to the upstream (dropped for a refused session).</summary>
        public async ValueTask ForwardAsync(ReadOnlyMemory<byte> datagram)
        {
            Interlocked.Add(ref _received, datagram.Length);
            if (_upstream is null)
            {
                return;
            }

            _idle!.CancelAfter(_idleTimeout);
            try
            {
                await _upstream.Socket.SendAsync(datagram, SocketFlags.None, owner._services.Stopping);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A datagram the upstream refused is lost, as UDP's are.
            }
        }

        /// <summary>The upstream's datagrams, back to the client from the listener's address, until the session idles out.</summary>
        private async Task ReturnAsync()
        {
            var buffer = new byte[MaxDatagram];
            _idle!.CancelAfter(_idleTimeout);
            try
            {
                while (true)
                {
                    int read;
                    try
                    {
                        read = await _upstream!.Socket.ReceiveAsync(buffer, SocketFlags.None, _idle.Token);
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                    {
                        // ICMP port unreachable from the upstream: keep the session until it idles out.
                        continue;
                    }

                    _idle.CancelAfter(_idleTimeout);
                    await owner._socket.SendToAsync(buffer.AsMemory(0, read), SocketFlags.None, client, owner._services.Stopping);
                    Interlocked.Add(ref _sent, read);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                await CloseAsync();
            }
        }

        private async Task ExpireAsync()
        {
            try
            {
                await Task.Delay(_idleTimeout, _idle!.Token);
            }
            catch (OperationCanceledException)
            {
                // The node is stopping.
            }

            await CloseAsync();
        }

        private async Task CloseAsync()
        {
            owner._sessions.TryRemove(new KeyValuePair<IPEndPoint, UdpSession>(client, this));
            _idle?.Dispose();
            if (_upstream is not null)
            {
                await _upstream.DisposeAsync();
            }

            var elapsed = Stopwatch.GetElapsedTime(_started);
            _plugins?.QueueLog(new StreamSessionLog
            {
                StartedAt = _startedAt,
                ClientIp = StreamSockets.Unmapped(client.Address).ToString(),
                ServerPort = serverPort,
                Protocol = "udp",
                Received = Interlocked.Read(ref _received),
                Sent = Interlocked.Read(ref _sent),
                Status = _status,
                UpstreamReceived = Interlocked.Read(ref _sent),
                UpstreamSent = _upstream is null ? 0 : Interlocked.Read(ref _received),
                KongLatency = 0,
                SessionLatency = Math.Round(elapsed.TotalMilliseconds),
                Route = _route?.Row,
                Service = _route?.Service?.Row,
                Tries = Tries,
            });
        }
    }
}
