namespace Gateway.Node.Upstreams;

/// <summary>
/// The balancers of the config snapshot being served, for what runs beside the requests: the active health checker,
/// the Admin API's health endpoints and /metrics. A request never uses it: it reads the balancers of the snapshot it
/// started on. The node's config snapshot provider is the one implementation.
/// </summary>
public interface IBalancerSource
{
    /// <summary>The current snapshot's balancers.</summary>
    BalancerTable Balancers { get; }

    /// <summary>Raised on the publishing thread after a new snapshot (and so maybe new balancers) is published; handlers must not throw.</summary>
    event Action? Published;
}
