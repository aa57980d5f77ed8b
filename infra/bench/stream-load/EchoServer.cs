using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace StreamLoad;

/// <summary>Sends back whatever each connection sends, until the peer closes; runs until the process is stopped.</summary>
internal static class EchoServer
{
    private const int BufferSize = 64 * 1024;

    public static async Task<int> RunAsync(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(4096);
        Console.WriteLine($"echo port={port}");
        while (true)
        {
            var connection = await listener.AcceptAsync();
            _ = EchoAsync(connection);
        }
    }

    private static async Task EchoAsync(Socket connection)
    {
        // Pooled: the connection-rate load opens thousands of connections a second.
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            connection.NoDelay = true;
            int received;
            while ((received = await connection.ReceiveAsync(buffer.AsMemory(), SocketFlags.None)) > 0)
            {
                await Net.SendAllAsync(connection, buffer.AsMemory(0, received), CancellationToken.None);
            }

            connection.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The peer reset the connection (a load run stopping mid-stream): nothing left to echo.
        }
        finally
        {
            connection.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
