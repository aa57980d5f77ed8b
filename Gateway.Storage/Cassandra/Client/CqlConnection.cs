using System.Net.Sockets;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Client;

/// <summary>
/// One connection to one host. Requests are multiplexed over stream ids; the lowest free id is taken, and an id
/// whose request timed out stays reserved until its late response arrives, so that response can never be read as
/// the answer to a newer request.
/// </summary>
public sealed class CqlConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly CqlClientOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _streamSlots;
    private readonly Lock _lock = new();
    private readonly Pending?[] _pending;
    private readonly CancellationTokenSource _closing = new();
    private Task _readLoop = Task.CompletedTask;
    private Exception? _closedBecause;

    private CqlConnection(string host, TcpClient tcp, CqlClientOptions options)
    {
        Host = host;
        _tcp = tcp;
        _stream = tcp.GetStream();
        _options = options;
        var streams = Math.Clamp(options.MaxStreamsPerConnection, 1, 32768);
        _pending = new Pending?[streams];
        _streamSlots = new SemaphoreSlim(streams, streams);
    }

    /// <summary>"host:port" of the peer.</summary>
    public string Host { get; }

    /// <summary>True once the connection failed or was disposed.</summary>
    public bool IsClosed => Volatile.Read(ref _closedBecause) is not null;

    /// <summary>Server events (stream -1) seen on this connection.</summary>
    public event Action<CqlEventResponse>? EventReceived;

    /// <summary>Stream ids currently taken, including ones held for timed-out requests.</summary>
    public int StreamsInUse
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count(p => p is not null);
            }
        }
    }

    /// <summary>Connects, sends STARTUP, authenticates with SASL PLAIN when asked, and USEs the keyspace.</summary>
    public static async Task<CqlConnection> OpenAsync(string host, int port, CqlClientOptions options, CancellationToken cancellationToken)
    {
        var name = $"{host}:{port}";
        var tcp = new TcpClient { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await tcp.ConnectAsync(host, port, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            tcp.Dispose();
            var reason = e is OperationCanceledException ? $"connect timed out after {options.ConnectTimeout.TotalMilliseconds:0} ms" : e.Message;
            throw new CqlConnectionException(name, reason, e);
        }
        var connection = new CqlConnection(name, tcp, options);
        connection._readLoop = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
        try
        {
            await connection.HandshakeAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a request and waits for its response; an ERROR response is thrown as its exception.</summary>
    /// <param name="opcode">Request opcode.</param>
    /// <param name="body">Request body.</param>
    /// <param name="knownMetadata">Prepared result metadata, for Rows results sent without metadata.</param>
    /// <param name="cancellationToken">Cancels the wait (the stream id stays reserved until the response comes).</param>
    public async Task<CqlResponse> SendAsync(CqlOpcode opcode, byte[] body, CqlResultMetadata? knownMetadata, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            await _streamSlots.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CqlRequestTimeoutException(Host, _options.RequestTimeout, opcode);
        }
        var pending = new Pending(knownMetadata);
        short id;
        lock (_lock)
        {
            id = (short)Array.IndexOf(_pending, null);
            _pending[id] = pending;
        }
        // A failure after this point may race with the read loop; FailAll completes pending too.
        ThrowIfClosedAndRelease(id);
        try
        {
            var frame = CqlFrame.EncodeRequest(id, opcode, body);
            await _writeLock.WaitAsync(timeout.Token);
            try
            {
                await _stream.WriteAsync(frame, timeout.Token);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Close(new CqlRequestTimeoutException(Host, _options.RequestTimeout, opcode));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close(new CqlConnectionException(Host, e.Message, e));
        }
        try
        {
            return await pending.Completion.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!pending.Completion.Task.IsCompleted)
        {
            // Keep the id reserved: the read loop frees it when the late response arrives.
            pending.Abandoned = true;
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw new CqlRequestTimeoutException(Host, _options.RequestTimeout, opcode);
        }
    }

    /// <summary>Closes the socket; requests in flight fail with <see cref="CqlConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        Close(new CqlConnectionException(Host, "connection closed by the client"));
        try
        {
            await _readLoop;
        }
        catch (Exception)
        {
            // The read loop reports through the pending requests, not by throwing.
        }
        _closing.Dispose();
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync(CqlOpcode.Startup, CqlRequests.Startup(), null, cancellationToken);
        if (response is CqlAuthenticateResponse authenticate)
        {
            if (_options.Username is null)
            {
                throw new CqlConnectionException(Host, $"the server requires authentication ({authenticate.Authenticator}) but no username is configured");
            }
            var token = CqlRequests.PlainSaslToken(_options.Username, _options.Password ?? "");
            response = await SendAsync(CqlOpcode.AuthResponse, CqlRequests.AuthResponse(token), null, cancellationToken);
            if (response is CqlAuthChallengeResponse)
            {
                throw new CqlConnectionException(Host, "the server sent an AUTH_CHALLENGE; SASL PLAIN completes in one round");
            }
            if (response is not CqlAuthSuccessResponse)
            {
                throw new CqlProtocolException($"expected AUTH_SUCCESS, got {response.GetType().Name}");
            }
        }
        else if (response is not CqlReadyResponse)
        {
            throw new CqlProtocolException($"expected READY or AUTHENTICATE after STARTUP, got {response.GetType().Name}");
        }
        if (_options.Keyspace is { } keyspace)
        {
            var use = CqlRequests.Query($"USE \"{keyspace.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", new CqlQueryParameters());
            await SendAsync(CqlOpcode.Query, use, null, cancellationToken);
        }
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[CqlFrameHeader.Size];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header, _closing.Token);
                var frameHeader = CqlFrameHeader.Read(header);
                var body = new byte[frameHeader.Length];
                await _stream.ReadExactlyAsync(body, _closing.Token);
                Dispatch(new CqlFrame(frameHeader, body));
            }
        }
        catch (Exception e)
        {
            Close(e switch
            {
                CqlException cql => cql,
                EndOfStreamException => new CqlConnectionException(Host, "the server closed the connection"),
                OperationCanceledException => new CqlConnectionException(Host, "connection closed by the client"),
                _ => new CqlConnectionException(Host, e.Message, e),
            });
        }
    }

    private void Dispatch(CqlFrame frame)
    {
        var id = frame.Header.Stream;
        if (id < 0)
        {
            if (CqlResponseDecoder.Decode(frame) is CqlEventResponse evt)
            {
                EventReceived?.Invoke(evt);
            }
            return;
        }
        Pending? pending;
        lock (_lock)
        {
            pending = id < _pending.Length ? _pending[id] : null;
            if (pending is null)
            {
                throw new CqlProtocolException($"response on stream {id}, which has no request in flight");
            }
            _pending[id] = null;
        }
        _streamSlots.Release();
        if (pending.Abandoned)
        {
            return;
        }
        try
        {
            var response = CqlResponseDecoder.Decode(frame, pending.KnownMetadata);
            if (response is CqlErrorResponse error)
            {
                pending.Completion.TrySetException(error.Error);
            }
            else
            {
                pending.Completion.TrySetResult(response);
            }
        }
        catch (CqlProtocolException e)
        {
            pending.Completion.TrySetException(e);
        }
    }

    private void Close(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _closedBecause, reason, null) is not null)
        {
            return;
        }
        _closing.Cancel();
        _tcp.Dispose();
        var failure = reason as CqlConnectionException ?? new CqlConnectionException(Host, reason.Message, reason);
        lock (_lock)
        {
            for (var i = 0; i < _pending.Length; i++)
            {
                _pending[i]?.Completion.TrySetException(failure);
                _pending[i] = null;
            }
        }
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closedBecause) is { } reason)
        {
            throw reason as CqlConnectionException ?? new CqlConnectionException(Host, reason.Message, reason);
        }
    }

    private void ThrowIfClosedAndRelease(short id)
    {
        if (Volatile.Read(ref _closedBecause) is null)
        {
            return;
        }
        lock (_lock)
        {
            _pending[id] = null;
        }
        ThrowIfClosed();
    }

    private sealed class Pending(CqlResultMetadata? knownMetadata)
    {
        public TaskCompletionSource<CqlResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CqlResultMetadata? KnownMetadata { get; } = knownMetadata;

        public volatile bool Abandoned;
    }
}
