using Gateway.Node.Config;
using Gateway.Node.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// The seam between the proxy and load balancing: picks the peer for each try of a request, and
/// hears how each try went. <see cref="DirectDestinationResolver"/> sends to the service's host and
/// port as written; a balancer resolving service hosts that name an upstream replaces it (Kong's
/// balancer phase: <c>kong/runloop/balancer/init.lua</c>).
/// </summary>
public interface IDestinationResolver
{
    /// <summary>
    /// Picks the peer for try number <paramref name="attempt"/> (0 first, then one per retry), or
    /// explains why there is none: <paramref name="failure"/> becomes the 503 message (Kong's
    /// "name resolution failed", "failure to get a peer from the ring-balancer").
    /// </summary>
    bool TryResolve(
        ConfigSnapshot snapshot,
        ServiceModel service,
        HttpContext context,
        RouteMatch match,
        int attempt,
        out Destination? destination,
        out string? failure);

    /// <summary>
    /// How a try went, for passive health checks and connection accounting: the forwarder's error
    /// (None on success) and the upstream status (0 when no response came).
    /// </summary>
    void Report(Destination destination, ForwarderError error, int statusCode, TimeSpan latency);
}
