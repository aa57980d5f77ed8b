using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>
/// Test scaffolding: a framing-level CQL server on 127.0.0.1 that answers STARTUP with READY and hands every other
/// request to a handler. It exercises connection handling only; it is no evidence that a store works on Cassandra.
/// </summary>
internal sealed class FakeCqlServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<FakeCqlRequest, Task> _handler;
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    private FakeCqlServer(int port, Func<FakeCqlRequest, Task> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public int Port { get; }

    public string ContactPoint => $"127.0.0.1:{Port}";

    public int ConnectionsAccepted => Volatile.Read(ref _connections);

    /// <summary>Every request but STARTUP and AUTH_RESPONSE, in arrival order.</summary>
    public ConcurrentQueue<FakeCqlRequest> Requests { get; } = new();

    /// <summary>Stream ids of every frame received, STARTUP included.</summary>
    public ConcurrentQueue<short> StreamIds { get; } = new();

    /// <summary>When set, STARTUP is answered with AUTHENTICATE and AUTH_RESPONSE must carry this token.</summary>
    public byte[]? RequiredToken { get; init; }

    public static FakeCqlServer Start(Func<FakeCqlRequest, Task> handler, int port = 0, byte[]? requiredToken = null) =>
        new(port, handler) { RequiredToken = requiredToken };

    /// <summary>Closes every accepted connection but keeps listening.</summary>
    public void DropConnections()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropConnections();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _clients.Add(client);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var stream = client.GetStream();
        var writeLock = new SemaphoreSlim(1, 1);
        var header = new byte[CqlFrameHeader.Size];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(header, _stop.Token);
                var frameHeader = CqlFrameHeader.Read(header);
                var body = new byte[frameHeader.Length];
                await stream.ReadExactlyAsync(body, _stop.Token);
                StreamIds.Enqueue(frameHeader.Stream);
                var request = new FakeCqlRequest(frameHeader.Stream, frameHeader.Opcode, body, async (opcode, reply) =>
                {
                    var frame = CqlFrame.Encode(new CqlFrameHeader(CqlFrameHeader.ResponseVersion, 0, frameHeader.Stream, opcode, 0), reply);
                    await writeLock.WaitAsync();
                    try
                    {
                        await stream.WriteAsync(frame);
                    }
                    finally
                    {
                        writeLock.Release();
                    }
                }, client);
                switch (frameHeader.Opcode)
                {
                    case CqlOpcode.Startup when RequiredToken is not null:
                        await request.ReplyAsync(CqlOpcode.Authenticate, FakeCqlReplies.Authenticate("org.apache.cassandra.auth.PasswordAuthenticator"));
                        break;
                    case CqlOpcode.Startup:
                        await request.ReplyAsync(CqlOpcode.Ready, []);
                        break;
                    case CqlOpcode.AuthResponse:
                        var token = new CqlReader(body).ReadBytes();
                        await (token.AsSpan().SequenceEqual(RequiredToken)
                            ? request.ReplyAsync(CqlOpcode.AuthSuccess, FakeCqlReplies.AuthSuccess())
                            : request.ReplyAsync(CqlOpcode.Error, FakeCqlReplies.Error(0x0100, "Provided username and/or password are incorrect")));
                        break;
                    default:
                        Requests.Enqueue(request);
                        _ = Task.Run(() => _handler(request));
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or EndOfStreamException or SocketException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }
}
