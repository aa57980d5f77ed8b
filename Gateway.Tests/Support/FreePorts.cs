using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>
/// Loopback ports free at the moment of asking, for nodes started by tests. They are taken below the system's
/// ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range): a port from inside it can be taken as the local
/// port of any outgoing connection between the asking and the node's bind, and the node then fails with "address
/// already in use" (a port handed out by binding port 0 is in that range).
/// </summary>
public static class FreePorts
{
    private const int LowestPort = 10_000;
    private const int DefaultEphemeralStart = 32_768;

    private static readonly HashSet<int> Handed = [];
    private static readonly int EphemeralStart = ReadEphemeralStart();
    private static int _next = LowestPort + Random.Shared.Next(Math.Max(1, EphemeralStart - LowestPort));

    /// <summary>A port no listener holds now, below the ephemeral range, that this test run has not handed out before.</summary>
    public static int Next()
    {
        lock (Handed)
        {
            for (var tried = 0; tried < EphemeralStart - LowestPort; tried++)
            {
                var port = _next;
                _next = _next + 1 < EphemeralStart ? _next + 1 : LowestPort;
                if (!Handed.Contains(port) && IsFree(port))
                {
                    Handed.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException($"no free loopback port left between {LowestPort} and {EphemeralStart}");
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int ReadEphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var start) && start > LowestPort + 1_000 ? start : DefaultEphemeralStart;
        }
        catch (IOException)
        {
            return DefaultEphemeralStart;
        }
        catch (UnauthorizedAccessException)
        {
            return DefaultEphemeralStart;
        }
    }
}
