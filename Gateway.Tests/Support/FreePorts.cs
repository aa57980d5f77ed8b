using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>Loopback ports free at the moment of asking, for nodes started by tests.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>A port no listener holds now and that this test run has not handed out before.</summary>
    public static int Next()
    {
        lock (Handed)
        {
            while (true)
            {
                using var probe = new TcpListener(IPAddress.Loopback, 0);
                probe.Start();
                var port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
