using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Gateway.Node.Routing;

namespace Gateway.Node.Streams.Routing;

/// <summary>
/// A route of the stream family (protocols tcp, tls, udp or tls_passthrough) compiled for matching, with Kong's
/// traditional_compatible semantics (kong/router/transform.lua): sources, destinations and snis each match when
/// empty or when any entry does, and snis only constrain TLS connections (Kong/kong#6425). The scheme must be one of
/// the route's protocols, tls_passthrough counting as tls. Kong 3.9 drops that condition for a route whose only
/// protocol is tls or tls_passthrough ("allow tcp works with tls"), so such a route with snis outranks every tcp
/// route on plain TCP and UDP connections too; here a TLS ClientHello without SNI on an <c>ssl</c> listener is seen
/// as tls instead, which is what that condition was for.
/// </summary>
public sealed class StreamRoute
{
    // transform.lua's stream_get_priority bits.
    private const ulong SniBit = 1UL << 61;
    private const ulong SourceIpBit = 1UL << 7;
    private const ulong SourcePortBit = 1UL << 6;
    private const ulong SourceCidrBit = 1UL << 4;
    private const ulong DestinationIpBit = 1UL << 3;
    private const ulong DestinationPortBit = 1UL << 2;
    private const ulong DestinationCidrBit = 1UL << 0;

    private readonly FrozenSet<string> _schemes;

    internal StreamRoute(JsonObject row, ServiceModel? service)
    {
        Row = row;
        Service = service;
        Id = RowReader.String(row, "id") ?? "";
        Name = RowReader.String(row, "name");
        CreatedAt = RowReader.Long(row, "created_at") ?? 0;
        var protocols = RowReader.Strings(row, "protocols");
        Terminates = protocols.Contains("tls");
        Passthrough = protocols.Contains("tls_passthrough");
        _schemes = protocols.Select(p => p == "tls_passthrough" ? "tls" : p).ToFrozenSet(StringComparer.Ordinal);

        // The last dot of a fully qualified name is not used for routing.
        Snis = RowReader.Strings(row, "snis").Select(s => s.Length > 1 && s.EndsWith('.') ? s[..^1] : s).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        Sources = StreamEndpoint.Read(row, "sources");
        Destinations = StreamEndpoint.Read(row, "destinations");
        Priority = PriorityOf(Snis.Count > 0, Sources, Destinations);
    }

    /// <summary>The row this was compiled from; never modify it.</summary>
    public JsonObject Row { get; }

    /// <summary>The route's service; null for a route without one (it matches, and the connection is closed).</summary>
    public ServiceModel? Service { get; }

    /// <summary>id.</summary>
    public string Id { get; }

    /// <summary>name, or null.</summary>
    public string? Name { get; }

    /// <summary>created_at: the tie-break between routes of equal priority.</summary>
    public long CreatedAt { get; }

    /// <summary>Whether protocols holds tls: on an ssl listener, the gateway terminates TLS for this route.</summary>
    public bool Terminates { get; }

    /// <summary>Whether protocols holds tls_passthrough: on an ssl listener, the TLS bytes go to the upstream as they came.</summary>
    public bool Passthrough { get; }

    /// <summary>snis, without trailing dots.</summary>
    public FrozenSet<string> Snis { get; }

    /// <summary>sources.</summary>
    public IReadOnlyList<StreamEndpoint> Sources { get; }

    /// <summary>destinations.</summary>
    public IReadOnlyList<StreamEndpoint> Destinations { get; }

    /// <summary>Kong's traditional_compatible priority: higher is tried first.</summary>
    public ulong Priority { get; }

    /// <summary>Whether a connection matches this route.</summary>
    public bool Matches(in StreamRequest request)
    {
        if (!_schemes.Contains(request.Scheme))
        {
            return false;
        }

        // Kong/kong#6425: SNIs only constrain connections that carry one.
        if (Snis.Count > 0 && request.Scheme == "tls" && (request.Sni is null || !Snis.Contains(request.Sni)))
        {
            return false;
        }

        return MatchesAny(Sources, request) && MatchesAny(Destinations, request, destination: true);
    }

    private static bool MatchesAny(IReadOnlyList<StreamEndpoint> endpoints, in StreamRequest request, bool destination = false)
    {
        if (endpoints.Count == 0)
        {
            return true;
        }

        var (address, port) = destination ? (request.DestinationAddress, request.DestinationPort) : (request.SourceAddress, request.SourcePort);
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Matches(address, port))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// transform.lua's get_priority for a stream route: the SNI bit for snis or for sources and destinations together,
    /// then the source bits above the destination bits, an exact address over a port over a CIDR.
    /// </summary>
    private static ulong PriorityOf(bool hasSnis, IReadOnlyList<StreamEndpoint> sources, IReadOnlyList<StreamEndpoint> destinations)
    {
        var priority = hasSnis || (sources.Count > 0 && destinations.Count > 0) ? SniBit : 0;
        foreach (var source in sources)
        {
            priority |= Bits(source, SourceIpBit, SourcePortBit, SourceCidrBit);
        }

        foreach (var destination in destinations)
        {
            priority |= Bits(destination, DestinationIpBit, DestinationPortBit, DestinationCidrBit);
        }

        return priority;
    }

    private static ulong Bits(StreamEndpoint endpoint, ulong ip, ulong port, ulong cidr) =>
        (endpoint.Network is null ? 0 : endpoint.IsCidr ? cidr : ip) | (endpoint.Port is null ? 0 : port);
}
