using System.Net.Sockets;

namespace StreamLoad;

internal static class Net
{
    /// <summary>Sends the whole buffer: a stream socket may take part of it per call.</summary>
    public static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken token)
    {
        while (data.Length > 0)
        {
            data = data[await socket.SendAsync(data, SocketFlags.None, token)..];
        }
    }
}
