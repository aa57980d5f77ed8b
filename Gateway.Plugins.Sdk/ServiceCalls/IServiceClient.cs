namespace Gateway.Plugins.Sdk.ServiceCalls;

/// <summary>
/// Calls to the config's services from a plugin, as a proxied request to them would go: the service's balancer
/// (and its health checks, which hear how each try went), its retries, TLS settings, connect_timeout and
/// read_timeout (until the response headers), over the proxy's pooled connections. Reached through
/// <see cref="PluginContext.Services"/>.
/// </summary>
public interface IServiceClient
{
    /// <summary>Whether the node's current config has a service with this id or name.</summary>
    bool Exists(string service);

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="service"/> (an id or a name) for the client request of
    /// <paramref name="context"/> (whose address, scheme and host go upstream as X-Forwarded-* and X-Real-IP) and
    /// returns the response once its headers arrived; the caller reads (and disposes) the body.
    /// </summary>
    /// <exception cref="ServiceCallException">No such service, no peer, or every try failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<HttpResponseMessage> SendAsync(PluginContext context, string service, ServiceRequest request, CancellationToken cancellationToken);
}
