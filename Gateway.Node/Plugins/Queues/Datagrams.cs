using System.Net;
using System.Net.Sockets;

namespace Gateway.Node.Plugins.Queues;

/// <summary>
/// The UDP side of the log plugins that send datagrams (udp-log, loggly, statsd, datadog): a socket connected to the
/// collector for one batch, as Kong's plugins open one per send; every failure is a <see cref="SocketException"/> or
/// a timeout the queue reports.
/// </summary>
public static class Datagrams
{
    /// <summary>Sends each datagram to <paramref name="host"/>:<paramref name="port"/> within <paramref name="timeoutMs"/>.</summary>
    public static async Task SendAsync(string host, int port, IEnumerable<ReadOnlyMemory<byte>> datagrams, double timeoutMs, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, timeoutMs)));
        var address = await ResolveAsync(host, timeout.Token);
        using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
        foreach (var datagram in datagrams)
        {
            await socket.SendAsync(datagram, SocketFlags.None, timeout.Token);
        }
    }

    /// <summary>The host's first address, IPv4 preferred (a collector on "localhost" usually listens there).</summary>
    public static async Task<IPAddress> ResolveAsync(string host, CancellationToken token)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return literal;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, token);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }
}
