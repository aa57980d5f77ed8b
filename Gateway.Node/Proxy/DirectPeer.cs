using System.Diagnostics.CodeAnalysis;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>A service's own host and port, for every try: one per compiled service, shared by its requests.</summary>
internal sealed class DirectPeer(Destination destination) : IPeerSource
{
    /// <inheritdoc />
    public bool TryNext([NotNullWhen(true)] out Destination? next, [NotNullWhen(false)] out string? failure)
    {
        next = destination;
        failure = null;
        return true;
    }

    /// <inheritdoc />
    public void Report(Destination destination, ForwarderError error, int statusCode, TimeSpan latency)
    {
        // Direct peers keep no health state.
    }
}
