using Gateway.Node.Config;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Proxy;

/// <summary>
/// The seam between the proxy and load balancing: once per request, says where its tries go.
/// <see cref="DirectDestinationResolver"/> sends to the service's host and port as written; a balancer
/// resolving service hosts that name an upstream replaces it (Kong's balancer phase:
/// <c>kong/runloop/balancer/init.lua</c>).
/// </summary>
public interface IDestinationResolver
{
    /// <summary>
    /// The peers of one request to <paramref name="service"/>, asked once per request (so a retry goes to the
    /// same balancer, and avoids the targets it already tried); each try then takes the next peer from it.
    /// <paramref name="plugins"/> is the request's plugin context when plugins ran: its authenticated consumer
    /// and credential are what hash_on consumer hashes; <paramref name="uriCaptures"/>, a regex route's named captures, what hash_on uri_capture hashes.
    /// </summary>
    IPeerSource Resolve(ConfigSnapshot snapshot, ServiceModel service, HttpContext context, IReadOnlyDictionary<string, string>? uriCaptures, PluginContext? plugins);
}
