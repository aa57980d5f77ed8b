using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Gateway.Node.Pipeline;
using Gateway.Node.Routing;
using Gateway.Node.Settings;
using Gateway.Node.Streams.Preread;
using Gateway.Node.Streams.Routing;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;

namespace Gateway.Node.Streams;

/// <summary>
/// One TCP connection on a stream listener, from accept to log, as Kong's stream subsystem runs it: the PROXY protocol
/// header (listeners with <c>proxy_protocol</c>), the ClientHello's SNI (<c>ssl</c> listeners), the router, the
/// preread plugins, the upstream connection, TLS termination for tls routes (or the bytes as they came for
/// tls_passthrough ones) and TLS to tls services, the copy both ways, then the log phase.
/// </summary>
internal sealed partial class TcpStreamSession
{
    private readonly StreamServices _services;
    private readonly Listener _listener;
    private readonly Socket _client;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly long _startedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private readonly List<BalancerTry> _tries = [];
    private long _kongLatency;

    private TcpStreamSession(StreamServices services, Listener listener, Socket client)
    {
        _services = services;
        _listener = listener;
        _client = client;
    }

    /// <summary>Runs one accepted connection to its end; never throws.</summary>
    public static async Task RunAsync(StreamServices services, Listener listener, Socket client)
    {
        try
        {
            await new TcpStreamSession(services, listener, client).RunAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogSessionFailed(services.Logger, e);
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task RunAsync()
    {
        StreamSockets.ApplyKeepalive(_client, _listener);
        var local = (IPEndPoint)_client.LocalEndPoint!;
        var remote = (IPEndPoint)_client.RemoteEndPoint!;
        var client = new NetworkStream(_client, ownsSocket: false);
        // Only a listener that reads a PROXY header or a ClientHello first needs room for it.
        var buffer = _listener.Ssl || _listener.ProxyProtocol ? ArrayPool<byte>.Shared.Rent(Math.Max(ProxyProtocolHeader.MaxLength, ClientHello.MaxLength)) : [];
        try
        {
            var (prereadStatus, source, buffered, tls, sni) = await PrereadAsync(client, buffer, remote);
            if (prereadStatus != 200)
            {
                Finish(null, source, local.Port, prereadStatus, received: buffered);
                return;
            }

            var request = new StreamRequest(tls ? "tls" : "tcp", StreamSockets.Unmapped(source.Address), source.Port, StreamSockets.Unmapped(local.Address), local.Port, sni);
            var (route, plugins, upstream, status) = await StreamAdmission.AdmitAsync(_services, request, udp: false, _tries);
            _kongLatency = (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
            if (upstream is null)
            {
                Finish(route, source, local.Port, status, received: buffered, plugins: plugins);
                return;
            }

            await using (upstream)
            {
                // A tls route's TLS ends here; a tls_passthrough route's (and plain TCP) goes on as it came.
                var terminate = request.Scheme == "tls" && route!.Terminates;
                await ProxyAsync(route!, route!.Service!, upstream, client, buffer.AsMemory(0, buffered), terminate, sni, source, local.Port, plugins!);
            }
        }
        finally
        {
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Reads the PROXY protocol header and the ClientHello the listener needs: the session status (200 to go on), the
    /// client, the bytes buffered, and whether they are a TLS ClientHello with its SNI. Each parse's answer is kept
    /// from the read loop's own last call, so nothing is parsed twice.
    /// </summary>
    private async Task<Preread> PrereadAsync(NetworkStream client, byte[] buffer, IPEndPoint remote)
    {
        if (!_listener.ProxyProtocol && !_listener.Ssl)
        {
            return new(200, remote, 0, false, null);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_services.Stopping);
        timeout.CancelAfter(StreamServices.PrereadTimeout);
        var source = remote;
        var buffered = 0;
        try
        {
            if (_listener.ProxyProtocol)
            {
                ProxyProtocolHeader? header = null;
                var length = 0;
                string? error = null;
                (var status, buffered) = await PrereadReader.ReadUntilAsync(
                    client, buffer, 0, data => ProxyProtocolHeader.TryParse(data.Span, out header, out length, out error), timeout.Token);
                if (status != PrereadStatus.Complete)
                {
                    LogBadProxyHeader(_services.Logger, remote, error ?? "the connection ended first");
                    return new(400, remote, buffered, false, null);
                }

                source = header!.Source ?? remote;
                buffer.AsSpan(length, buffered - length).CopyTo(buffer);
                buffered -= length;
            }

            if (!_listener.Ssl)
            {
                return new(200, source, buffered, false, null);
            }

            // Not TLS: the router sees tcp.
            string? sni = null;
            (var hello, buffered) = await PrereadReader.ReadUntilAsync(
                client, buffer, buffered, data => ClientHello.TryReadServerName(data.Span, out sni, out _), timeout.Token);
            return new(200, source, buffered, hello == PrereadStatus.Complete, sni);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            return new(400, source, buffered, false, null);
        }
    }

    private async Task ProxyAsync(
        StreamRoute route, ServiceModel service, StreamUpstream upstream, NetworkStream client, ReadOnlyMemory<byte> buffered, bool terminate, string? sni,
        IPEndPoint source, int serverPort, StreamPlugins plugins)
    {
        System.IO.Stream clientSide = client;
        System.IO.Stream upstreamSide = new NetworkStream(upstream.Socket, ownsSocket: false);
        SslStream? terminated = null;
        var received = 0L;
        var upstreamSent = 0L;

        // A handshake that stalls holds nothing for long: the client's within preread_timeout, the upstream's within connect_timeout.
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_services.Stopping);
        handshake.CancelAfter(StreamServices.PrereadTimeout + service.ConnectTimeout);
        try
        {
            if (terminate)
            {
                terminated = new SslStream(new ReplayStream(buffered, client), leaveInnerStreamOpen: false);
                received = buffered.Length;
                await terminated.AuthenticateAsServerAsync(_services.Certificates.CreateStreamOptions(sni), handshake.Token);
                clientSide = terminated;
                buffered = default;
            }

            if (service.IsTls)
            {
                var tls = new SslStream(upstreamSide, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(StreamServices.UpstreamTlsOptions(service, upstream.Host), handshake.Token);
                upstreamSide = tls;
            }

            if (!buffered.IsEmpty)
            {
                await upstreamSide.WriteAsync(buffered, handshake.Token);
                received += buffered.Length;
                upstreamSent += buffered.Length;
            }
        }
        catch (Exception e) when (e is IOException or AuthenticationException or SocketException or OperationCanceledException)
        {
            LogTlsFailed(_services.Logger, e.Message, route.Id);
            Finish(route, source, serverPort, terminated is { IsAuthenticated: false } ? 400 : 502, received, plugins: plugins, tls: terminated);
            await DisposeAsync(terminated, upstreamSide);
            return;
        }

        var (fromClient, fromUpstream) = await StreamPump.RunAsync(
            new StreamPump.Side(clientSide, _client), new StreamPump.Side(upstreamSide, upstream.Socket), service.ReadTimeout, _services.Stopping);
        Finish(route, source, serverPort, 200, received + fromClient, sent: fromUpstream, upstreamSent + fromClient, fromUpstream, plugins, terminated);
        await DisposeAsync(terminated, upstreamSide);
    }

    private static async Task DisposeAsync(SslStream? terminated, System.IO.Stream upstreamSide)
    {
        if (terminated is not null)
        {
            await terminated.DisposeAsync();
        }

        await upstreamSide.DisposeAsync();
    }

    /// <summary>The session's log phase, when plugins take part (nothing else records a session).</summary>
    private void Finish(
        StreamRoute? route, IPEndPoint source, int serverPort, int status, long received, long sent = 0, long upstreamSent = 0, long upstreamReceived = 0,
        StreamPlugins? plugins = null, SslStream? tls = null)
    {
        if (plugins is null || plugins.IsEmpty)
        {
            return;
        }

        var log = new StreamSessionLog
        {
            StartedAt = _startedAt,
            ClientIp = StreamSockets.Unmapped(source.Address).ToString(),
            ServerPort = serverPort,
            Protocol = tls is null ? "tcp" : "tls",
            Received = received,
            Sent = sent,
            Status = status,
            UpstreamReceived = upstreamReceived,
            UpstreamSent = upstreamSent,
            KongLatency = _kongLatency > 0 ? _kongLatency : (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds,
            SessionLatency = Math.Round(Stopwatch.GetElapsedTime(_started).TotalMilliseconds),
            TlsVersion = tls is { IsAuthenticated: true } ? PluginLogs.TlsVersion(tls.SslProtocol) : null,
            TlsCipher = tls is { IsAuthenticated: true } ? tls.NegotiatedCipherSuite.ToString() : null,
            Route = route?.Row,
            Service = route?.Service?.Row,
            Tries = _tries,
        };
        plugins.QueueLog(log);
    }

    /// <summary>What <see cref="PrereadAsync"/> read: the status, the client (from the PROXY header), the bytes buffered, and the ClientHello's verdict.</summary>
    private readonly record struct Preread(int Status, IPEndPoint Source, int Buffered, bool Tls, string? Sni);

    [LoggerMessage(Level = LogLevel.Error, Message = "TLS handshake failed: {Reason} (route {RouteId})")]
    private static partial void LogTlsFailed(ILogger logger, string reason, string routeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "broken header while reading PROXY protocol from {Client}: {Reason}")]
    private static partial void LogBadProxyHeader(ILogger logger, IPEndPoint client, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "stream session failed")]
    private static partial void LogSessionFailed(ILogger logger, Exception exception);
}
