using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Support;

/// <summary>
/// A private network the test builds as root: a bridge in the test's namespace (10.X.0.1/24) that joins one
/// network namespace per host (10.X.0.10+i) and a client veth per host (10.X.100+i.0/24). The backend's address
/// (10.X.250.1) is a second address of the bridge, but each host's route to it goes over its client link (this
/// namespace accepts a packet for any of its addresses on any link), so a cut of a host's bridge port leaves the
/// backend reachable. X is a second octet no address or route here uses yet. Everything it made is removed on
/// dispose; what a killed test run left behind (its pid in the names) is removed by the next run.
/// </summary>
public sealed partial class NamespaceNetwork : IDisposable
{
    private const string Prefix = "gwp";
    private readonly int _octet;
    private readonly List<NamespacedHost> _hosts = [];

    private NamespaceNetwork(int octet)
    {
        _octet = octet;
    }

    /// <summary>The hosts, in the order they were asked for.</summary>
    public IReadOnlyList<NamespacedHost> Hosts => _hosts;

    /// <summary>The test namespace's address on the bridge: what a relay for the hosts listens on.</summary>
    public string BridgeAddress => $"10.{_octet}.0.1";

    /// <summary>The backend's address, reachable from every host over its client link.</summary>
    public string BackendAddress => $"10.{_octet}.250.1";

    private static string Tag => Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    private string Bridge => $"{Prefix}{Tag}br";

    /// <summary>Builds the bridge, the backend's address and <paramref name="hosts"/> namespaces; on a failure, removes what it made.</summary>
    public static NamespaceNetwork Create(int hosts)
    {
        RemoveLeftovers();
        var network = new NamespaceNetwork(FreeOctet());
        try
        {
            network.Build(hosts);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Takes the host's bridge port down: no packet between it and its peers or the relay gets through.</summary>
    public static void Cut(NamespacedHost host) => IpCommand.Run("link", "set", host.ClusterLink, "down");

    /// <summary>Brings the host's bridge port back up.</summary>
    public static void Heal(NamespacedHost host) => IpCommand.Run("link", "set", host.ClusterLink, "up");

    /// <summary>Deletes the namespaces (and with them their veths) and the bridge.</summary>
    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            IpCommand.TryRun("netns", "delete", host.Namespace);
            IpCommand.TryRun("link", "delete", host.ClusterLink);
        }

        foreach (var link in Enumerable.Range(0, _hosts.Count).Select(ClientLink))
        {
            IpCommand.TryRun("link", "delete", link);
        }

        IpCommand.TryRun("link", "delete", Bridge);
    }

    private string ClientLink(int index) => $"{Prefix}{Tag}k{index}";

    private void Build(int hosts)
    {
        IpCommand.Run("link", "add", Bridge, "type", "bridge");
        IpCommand.Run("addr", "add", $"{BridgeAddress}/24", "dev", Bridge);
        IpCommand.Run("addr", "add", $"{BackendAddress}/32", "dev", Bridge);
        IpCommand.Run("link", "set", Bridge, "up");
        for (var i = 0; i < hosts; i++)
        {
            AddHost(i);
        }
    }

    private void AddHost(int index)
    {
        var ns = $"{Prefix}-{Tag}-{index}";
        var host = new NamespacedHost(ns, $"10.{_octet}.0.{10 + index}", $"10.{_octet}.{100 + index}.2", $"{Prefix}{Tag}c{index}");
        _hosts.Add(host);
        IpCommand.Run("netns", "add", ns);
        IpCommand.Run("-n", ns, "link", "set", "lo", "up");

        IpCommand.Run("link", "add", host.ClusterLink, "type", "veth", "peer", "name", "cluster", "netns", ns);
        IpCommand.Run("link", "set", host.ClusterLink, "master", Bridge, "up");
        IpCommand.Run("-n", ns, "addr", "add", $"{host.ClusterAddress}/24", "dev", "cluster");
        IpCommand.Run("-n", ns, "link", "set", "cluster", "up");

        var rootClientAddress = $"10.{_octet}.{100 + index}.1";
        IpCommand.Run("link", "add", ClientLink(index), "type", "veth", "peer", "name", "client", "netns", ns);
        IpCommand.Run("addr", "add", $"{rootClientAddress}/24", "dev", ClientLink(index));
        IpCommand.Run("link", "set", ClientLink(index), "up");
        IpCommand.Run("-n", ns, "addr", "add", $"{host.ClientAddress}/24", "dev", "client");
        IpCommand.Run("-n", ns, "link", "set", "client", "up");
        IpCommand.Run("-n", ns, "route", "add", $"{BackendAddress}/32", "via", rootClientAddress, "dev", "client");
    }

    /// <summary>A second octet for 10.X.0.0/16 that no address or route of this namespace touches.</summary>
    private static int FreeOctet()
    {
        var used = IpCommand.Run("-4", "addr") + IpCommand.Run("-4", "route");
        return Enumerable.Range(200, 50).FirstOrDefault(o => !used.Contains($"10.{o}.", StringComparison.Ordinal)) is var octet and > 0
            ? octet
            : throw new InvalidOperationException("no free 10.X.0.0/16 among 10.200-249 for the test network");
    }

    /// <summary>Deletes the namespaces and links an earlier, killed run left (its pid no longer runs).</summary>
    private static void RemoveLeftovers()
    {
        foreach (Match match in LeftoverNamespace().Matches(IpCommand.Run("netns", "list")))
        {
            if (!Directory.Exists($"/proc/{match.Groups["pid"].Value}"))
            {
                IpCommand.TryRun("netns", "delete", match.Groups["name"].Value);
            }
        }

        foreach (Match match in LeftoverLink().Matches(IpCommand.Run("-o", "link")))
        {
            if (!Directory.Exists($"/proc/{match.Groups["pid"].Value}"))
            {
                IpCommand.TryRun("link", "delete", match.Groups["name"].Value);
            }
        }
    }

    [GeneratedRegex(@"^(?<name>gwp-(?<pid>\d+)-\d+)", RegexOptions.Multiline)]
    private static partial Regex LeftoverNamespace();

    [GeneratedRegex(@"^\d+: (?<name>gwp(?<pid>\d+)(br|c\d+|k\d+))[@:]", RegexOptions.Multiline)]
    private static partial Regex LeftoverLink();
}
