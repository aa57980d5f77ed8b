using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;

namespace Gateway.Node.Streams;

/// <summary>
/// Copies a stream session both ways until both sides are done, as nginx's stream proxy does: when one side ends its
/// half (a FIN, or TLS close_notify then FIN), the gateway ends that half towards the other side and keeps copying the
/// other way; a reset or an error ends both. Each direction writes before it reads again, so a slow reader holds
/// the writer back (backpressure) with one buffer per direction. Nothing moving either way for
/// <c>idleTimeout</c> (Kong's service read_timeout, nginx's proxy_timeout) ends the session.
/// </summary>
internal static class StreamPump
{
    private const int BufferSize = 16 * 1024;

    /// <summary>One side of the session: the stream to copy through, and the socket under it for half-closes.</summary>
    public readonly record struct Side(System.IO.Stream Stream, Socket Socket);

    /// <summary>Copies until both directions end; returns the bytes read from each side.</summary>
    public static async Task<(long FromClient, long FromUpstream)> RunAsync(Side client, Side upstream, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        var toUpstream = CopyAsync(client, upstream, idle, idleTimeout);
        var toClient = CopyAsync(upstream, client, idle, idleTimeout);
        if ((await Task.WhenAny(toUpstream, toClient)).IsFaulted)
        {
            // A side failed or the session idled out: the other direction ends too; the bytes so far still count.
            await idle.CancelAsync();
        }

        return (await Quietly(toUpstream), await Quietly(toClient));
    }

    private static async Task<long> CopyAsync(Side from, Side to, CancellationTokenSource idle, TimeSpan idleTimeout)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var total = 0L;
        try
        {
            int read;
            while ((read = await from.Stream.ReadAsync(buffer, idle.Token)) > 0)
            {
                idle.CancelAfter(idleTimeout);
                await to.Stream.WriteAsync(buffer.AsMemory(0, read), idle.Token);
                idle.CancelAfter(idleTimeout);
                total += read;
            }

            await EndWritesAsync(to);
            return total;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            throw new PumpException(total, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Ends the write half towards a side whose peer ended its own: TLS close_notify first, then a FIN.</summary>
    private static async Task EndWritesAsync(Side side)
    {
        if (side.Stream is SslStream tls)
        {
            await tls.ShutdownAsync();
        }

        side.Socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task<long> Quietly(Task<long> copy)
    {
        try
        {
            return await copy;
        }
        catch (PumpException e)
        {
            return e.Copied;
        }
    }

    /// <summary>A direction that failed, with what it copied before.</summary>
    private sealed class PumpException(long copied, Exception inner) : IOException(inner.Message, inner)
    {
        public long Copied { get; } = copied;
    }
}
