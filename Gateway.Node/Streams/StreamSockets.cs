using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Node.Settings;

namespace Gateway.Node.Streams;

/// <summary>The sockets of stream_listen entries, with nginx's listen parameters applied (reuseport, backlog, ipv6only, so_keepalive).</summary>
internal static class StreamSockets
{
    /// <summary>nginx's default backlog on Linux.</summary>
    private const int DefaultBacklog = 511;

    /// <summary>Binds a listener's socket (TCP, or UDP for <c>udp</c>); throws <see cref="IOException"/> naming it when the address cannot be bound.</summary>
    public static Socket Bind(Listener listener)
    {
        var address = listener.BindAddress;
        var socket = listener.Udp
            ? new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // nginx binds [::] IPv6-only unless told ipv6only=off.
                socket.DualMode = listener.HasFlag("ipv6only=off");
            }

            if (listener.HasFlag("reuseport") && OperatingSystem.IsLinux())
            {
                // SO_REUSEPORT (SOL_SOCKET 1, option 15): several processes may share the port.
                socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
            }

            socket.Bind(new IPEndPoint(address, listener.Port));
            if (!listener.Udp)
            {
                socket.Listen(listener.Backlog ?? DefaultBacklog);
            }

            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"stream_listen {listener}: {e.Message}", e);
        }
    }

    /// <summary>so_keepalive on an accepted connection: on, off, or idle:interval:count (each part optional, with s, m or h).</summary>
    public static void ApplyKeepalive(Socket socket, Listener listener)
    {
        if (listener.Flags.FirstOrDefault(f => f.StartsWith("so_keepalive=", StringComparison.Ordinal)) is not { } flag)
        {
            return;
        }

        var value = flag["so_keepalive=".Length..];
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, value != "off");
        if (value is "on" or "off")
        {
            return;
        }

        var parts = value.Split(':');
        if (Seconds(parts[0]) is { } idle)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, idle);
        }

        if (Seconds(parts[1]) is { } interval)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, interval);
        }

        if (parts[2].Length > 0)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, int.Parse(parts[2], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>An address as the router and the logs write it: an IPv4 client of a dual-stack socket arrives IPv4-mapped.</summary>
    public static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static int? Seconds(string part) => part.Length == 0 ? null : part[^1] switch
    {
        's' => int.Parse(part[..^1], CultureInfo.InvariantCulture),
        'm' => int.Parse(part[..^1], CultureInfo.InvariantCulture) * 60,
        'h' => int.Parse(part[..^1], CultureInfo.InvariantCulture) * 3600,
        _ => int.Parse(part, CultureInfo.InvariantCulture),
    };
}
