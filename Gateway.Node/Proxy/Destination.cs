namespace Gateway.Node.Proxy;

/// <summary>Where one try of a request goes: a peer chosen for a service; immutable.</summary>
/// <param name="Prefix">The URI prefix YARP sends to, <c>scheme://address:port</c>.</param>
/// <param name="HostHeader">The Host header for the upstream when preserve_host is off (Kong's <c>upstream_host</c>).</param>
/// <param name="State">Whatever the resolver needs back in <see cref="IDestinationResolver.Report"/> (a balancer's target); null for direct peers.</param>
public sealed record Destination(string Prefix, string HostHeader, object? State = null);
