using Gateway.Node.Config;
using Gateway.Node.Routing;
using Gateway.Node.Upstreams;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Proxy;

/// <summary>
/// Resolves a service whose host names an upstream through that upstream's balancer, as Kong's
/// balancer phase does: the balancer is read once per request, and its picks hear each try's outcome
/// (passive health checks, least-connections and latency bookkeeping). Any other host goes straight
/// to host:port.
/// </summary>
public sealed class BalancedDestinationResolver : IDestinationResolver
{
    private readonly DirectDestinationResolver _direct = new();

    /// <inheritdoc />
    public IPeerSource Resolve(ConfigSnapshot snapshot, ServiceModel service, HttpContext context, IReadOnlyDictionary<string, string>? uriCaptures, PluginContext? plugins)
    {
        // The request's one balancer look-up.
        if (!snapshot.Balancers.TryGet(service.Host, out var balancer))
        {
            return _direct.Resolve(snapshot, service, context, uriCaptures, plugins);
        }

        // Kong's hash_on consumer: the authenticated consumer's id, else the credential's.
        var request = new BalancerRequest(context)
        {
            UriCaptures = uriCaptures,
            ConsumerId = plugins?.ConsumerId,
            CredentialId = plugins?.Credential?["id"]?.GetValue<string>(),
        };
        return new BalancedPeers(balancer, request, context, service.IsTls);
    }
}
