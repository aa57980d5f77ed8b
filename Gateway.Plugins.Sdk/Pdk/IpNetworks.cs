using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>IP and CIDR lists matched against the client's address: ip-restriction and access-control.</summary>
public static class IpNetworks
{
    /// <summary>Parses addresses or CIDRs (already validated by the schema's ip_or_cidr type).</summary>
    public static IPNetwork[] Parse(string[]? entries) => [.. (entries ?? []).Select(Parse)];

    /// <summary>An address or CIDR; host bits after the prefix are cleared, as Kong's ipmatcher ignores them.</summary>
    public static IPNetwork Parse(string entry)
    {
        var slash = entry.IndexOf('/');
        var address = IPAddress.Parse(slash < 0 ? entry : entry[..slash]);
        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var prefix = slash < 0 ? bits : int.Parse(entry.AsSpan(slash + 1), CultureInfo.InvariantCulture);
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPNetwork(new IPAddress(bytes), prefix);
    }

    /// <summary>Whether any of <paramref name="networks"/> holds <paramref name="address"/>.</summary>
    public static bool Contains(IPNetwork[] networks, IPAddress address)
    {
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The client's address as the lists are written: an IPv4 client on a dual-stack listener arrives
    /// IPv4-mapped, and must match "10.0.0.0/8". Null when there is none (a unix socket).
    /// </summary>
    public static IPAddress? ClientAddress(PluginContext context)
    {
        var remote = IPAddress.TryParse(context.ClientIp, out var parsed) ? parsed : context.Http.Connection.RemoteIpAddress;
        return remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote;
    }
}
