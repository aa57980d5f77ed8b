using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;

namespace Gateway.Node.Plugins.TcpLog;

/// <summary>
/// tcp-log's connections, one per destination (host, port, TLS and SNI), kept open between sends as Kong's
/// <c>setkeepalive(keepalive)</c> keeps them in nginx's pool: a connection idle for <c>keepalive</c> milliseconds
/// is closed, and a failed one is dropped so the next send connects again. Writes to one destination are serialized.
/// </summary>
public sealed class TcpLogConnections
{
    private readonly ConcurrentDictionary<(string Host, int Port, bool Tls, string? Sni), Connection> _connections = new();

    /// <summary>Writes the entries, in order, on the destination's connection (opened within <c>timeout</c> if needed).</summary>
    public Task WriteAsync(TcpLogConfig config, IReadOnlyList<byte[]> entries, CancellationToken token) =>
        _connections.GetOrAdd((config.Host, config.Port, config.Tls, config.TlsSni), _ => new Connection()).WriteAsync(config, entries, token);

    private sealed class Connection
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private readonly Timer _idle;
        private TcpClient? _client;
        private Stream? _stream;
        private long _lastUse;

        public Connection() => _idle = new Timer(_ => _ = CloseIfIdleAsync(), null, Timeout.Infinite, Timeout.Infinite);

        private TimeSpan KeepAlive { get; set; }

        public async Task WriteAsync(TcpLogConfig config, IReadOnlyList<byte[]> entries, CancellationToken token)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, config.Timeout)));
            await _lock.WaitAsync(token);
            try
            {
                _stream ??= await ConnectAsync(config, timeout.Token);
                foreach (var entry in entries)
                {
                    await _stream.WriteAsync(entry, timeout.Token);
                }

                await _stream.FlushAsync(timeout.Token);
                KeepAlive = TimeSpan.FromMilliseconds(Math.Max(1, config.Keepalive));
                Volatile.Write(ref _lastUse, Environment.TickCount64);
                _idle.Change(KeepAlive, Timeout.InfiniteTimeSpan);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                Close();
                throw new IOException($"failed to send data to {config.Host}:{config.Port}: {(e is OperationCanceledException ? "timeout" : e.Message)}", e);
            }
            finally
            {
                _lock.Release();
            }
        }

        private async Task<Stream> ConnectAsync(TcpLogConfig config, CancellationToken token)
        {
            _client = new TcpClient { NoDelay = true };
            await _client.ConnectAsync(config.Host, config.Port, token);
            Stream stream = _client.GetStream();
            if (config.Tls)
            {
                // As Kong's sslhandshake(true, tls_sni, false): the certificate is not verified.
                var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = config.TlsSni ?? config.Host }, token);
                stream = tls;
            }

            return stream;
        }

        private async Task CloseIfIdleAsync()
        {
            await _lock.WaitAsync();
            try
            {
                if (_stream is not null && Environment.TickCount64 - Volatile.Read(ref _lastUse) >= (long)KeepAlive.TotalMilliseconds)
                {
                    Close();
                }
            }
            finally
            {
                _lock.Release();
            }
        }

        private void Close()
        {
            _stream?.Dispose();
            _client?.Dispose();
            _stream = null;
            _client = null;
        }
    }
}
