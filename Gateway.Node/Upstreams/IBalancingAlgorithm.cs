namespace Gateway.Node.Upstreams;

/// <summary>One of Kong's balancing algorithms over the targets of one balancer (one config version).</summary>
internal interface IBalancingAlgorithm
{
    /// <summary>
    /// An available target, preferring one this request has not tried; null when none is available.
    /// Thread-safe: called by concurrent requests.
    /// </summary>
    UpstreamTarget? Pick(BalancerRequest request);
}
