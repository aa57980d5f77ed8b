using System.Net;

namespace Gateway.Node.Streams.Routing;

/// <summary>What the stream router matches on (Kong's <c>router:exec</c> in the stream subsystem).</summary>
/// <param name="Scheme"><c>udp</c> for a UDP session, <c>tls</c> when the client sent a TLS ClientHello to an <c>ssl</c> listener, else <c>tcp</c>.</param>
/// <param name="SourceAddress">The client's address (IPv4 unmapped).</param>
/// <param name="SourcePort">The client's port.</param>
/// <param name="DestinationAddress">The address the client connected to (IPv4 unmapped).</param>
/// <param name="DestinationPort">The port the client connected to.</param>
/// <param name="Sni">The ClientHello's server name, lower case; null without one.</param>
public readonly record struct StreamRequest(
    string Scheme, IPAddress SourceAddress, int SourcePort, IPAddress DestinationAddress, int DestinationPort, string? Sni);
