using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Node.Config;
using Gateway.Node.Routing;
using Gateway.Node.Upstreams;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Streams;

/// <summary>
/// The upstream side of one stream session: the target picked by the service's upstream balancer (or the service's
/// own host and port), connected within connect_timeout and tried again on another target up to retries times, as
/// Kong's stream balancer does. <see cref="DisposeAsync"/> closes the connection and gives the target back to the
/// balancer (least-connections counts it until then).
/// </summary>
internal sealed class StreamUpstream : IAsyncDisposable
{
    private readonly UpstreamBalancer? _balancer;
    private readonly UpstreamTarget? _target;
    private readonly long _connectedAt;

    private StreamUpstream(Socket socket, UpstreamBalancer? balancer, UpstreamTarget? target, string host, int port)
    {
        Socket = socket;
        _balancer = balancer;
        _target = target;
        Host = host;
        Port = port;
        _connectedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>The connected socket.</summary>
    public Socket Socket { get; }

    /// <summary>The name the connection was made to: the TLS server name of a tls service.</summary>
    public string Host { get; }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>
    /// Connects to the service's upstream (a UDP socket connected to the target for <paramref name="udp"/>). Returns null, with the session status (503 when the balancer has no
    /// target, 502 when every try failed) and the reason, when no connection could be made; <paramref name="tries"/>
    /// gets every try either way.
    /// </summary>
    public static async Task<(StreamUpstream? Upstream, int Status, string? Failure)> ConnectAsync(
        ConfigSnapshot snapshot, ServiceModel service, IPAddress client, bool udp, List<BalancerTry> tries, CancellationToken cancellationToken)
    {
        snapshot.Balancers.TryGet(service.Host, out var balancer);
        var request = new BalancerRequest { ClientAddress = client };
        string? failure = null;
        for (var attempt = 0; attempt <= service.Retries; attempt++)
        {
            var target = balancer?.Pick(request);
            if (balancer is not null && target is null)
            {
                return (null, 503, UpstreamBalancer.NoPeerMessage);
            }

            var (host, port) = target is null ? (service.Host, service.Port) : (target.Host, target.Port);
            var started = Stopwatch.GetTimestamp();
            var startedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            var socket = udp ? new Socket(SocketType.Dgram, ProtocolType.Udp) : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(service.ConnectTimeout);
                // Resolved here rather than by a DnsEndPoint connect, which UDP sockets do not take.
                var addresses = IPAddress.TryParse(host, out var address) ? [address] : await Dns.GetHostAddressesAsync(host, timeout.Token);
                await socket.ConnectAsync(addresses, port, timeout.Token);
                tries.Add(new BalancerTry(startedAt, Stopwatch.GetElapsedTime(started).Ticks * 100, host, port));
                return (new StreamUpstream(socket, balancer, target, target is null ? host : balancer!.HostHeaderFor(target), port), 200, null);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                var elapsed = Stopwatch.GetElapsedTime(started);
                var timedOut = e is OperationCanceledException;
                tries.Add(new BalancerTry(startedAt, elapsed.Ticks * 100, host, port, "failed", 502));
                if (target is not null)
                {
                    balancer!.Complete(target, timedOut ? RequestOutcome.Timeout(elapsed) : RequestOutcome.TcpFailure(elapsed));
                }

                failure = timedOut ? $"upstream timed out connecting to {host}:{port}" : $"connect() to {host}:{port} failed: {e.Message}";
            }
        }

        return (null, 502, failure);
    }

    /// <summary>Closes the connection and reports it to the balancer.</summary>
    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        if (_target is not null)
        {
            _balancer!.Complete(_target, RequestOutcome.Connected(Stopwatch.GetElapsedTime(_connectedAt)));
        }

        return ValueTask.CompletedTask;
    }
}
