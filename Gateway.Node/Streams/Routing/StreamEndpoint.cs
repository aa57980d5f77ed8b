using System.Net;
using System.Text.Json.Nodes;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Streams.Routing;

/// <summary>One entry of a stream route's <c>sources</c> or <c>destinations</c>: an address or CIDR, a port, or both.</summary>
public sealed class StreamEndpoint
{
    private StreamEndpoint(IPNetwork? network, bool isCidr, int? port)
    {
        Network = network;
        IsCidr = isCidr;
        Port = port;
    }

    /// <summary>The address (a /32 or /128) or range; null when the entry names only a port.</summary>
    public IPNetwork? Network { get; }

    /// <summary>Whether the entry's ip was written as a CIDR range (it ranks below an exact address).</summary>
    public bool IsCidr { get; }

    /// <summary>The port; null when the entry names only an address.</summary>
    public int? Port { get; }

    /// <summary>Reads the entries of a route field; entries with neither ip nor port are skipped (the schema refuses them).</summary>
    public static StreamEndpoint[] Read(JsonObject route, string field)
    {
        if (route[field] is not JsonArray entries)
        {
            return [];
        }

        var endpoints = new List<StreamEndpoint>(entries.Count);
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var ip = RowReader.String(entry, "ip");
            var port = RowReader.Long(entry, "port");
            if (ip is not null || port is not null)
            {
                endpoints.Add(new StreamEndpoint(ip is null ? null : IpNetworks.Parse(ip), ip?.Contains('/', StringComparison.Ordinal) == true, (int?)port));
            }
        }

        return [.. endpoints];
    }

    /// <summary>Whether an address and port match this entry (both, when it names both).</summary>
    public bool Matches(IPAddress address, int port) =>
        (Port is null || Port == port) && (Network is not { } network || network.Contains(address));
}
