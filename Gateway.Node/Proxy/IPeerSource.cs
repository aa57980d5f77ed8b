using System.Diagnostics.CodeAnalysis;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>Where the tries of one request go (from <see cref="IDestinationResolver.Resolve"/>), and how each went.</summary>
public interface IPeerSource
{
    /// <summary>
    /// The peer for the next try, or why there is none: <paramref name="failure"/> becomes the 503 message
    /// (Kong's "failure to get a peer from the ring-balancer").
    /// </summary>
    bool TryNext([NotNullWhen(true)] out Destination? destination, [NotNullWhen(false)] out string? failure);

    /// <summary>
    /// How a try went, for passive health checks and connection accounting: the forwarder's error (None on
    /// success) and the upstream status (0 when no response came). Called once for every peer given.
    /// </summary>
    void Report(Destination destination, ForwarderError error, int statusCode, TimeSpan latency);
}
