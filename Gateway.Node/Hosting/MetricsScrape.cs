using Gateway.Cluster.Consumers;
using Gateway.Node.Admin;
using Gateway.Node.Config;
using Gateway.Node.Observability;
using Gateway.Node.Pipeline;
using Gateway.Node.Plugins.Prometheus;
using Gateway.Node.Upstreams;
using Gateway.Storage.Store;
using Orleans.Runtime;

namespace Gateway.Node.Hosting;

/// <summary>
/// Kong's <c>/metrics</c>: the prometheus plugin's node gauges are refreshed and its families written, then this node's
/// gateway_ families (<see cref="GatewayMetrics"/>), read from the request's services.
/// </summary>
/// <param name="store">The store whose reachability <c>kong_datastore_reachable</c> reports.</param>
/// <param name="plugins">The catalog holding the prometheus plugin.</param>
/// <param name="enabled">The <c>plugins</c> setting's names.</param>
public sealed class MetricsScrape(IConfigStore store, PluginCatalog plugins, IReadOnlyList<string> enabled) : IMetricsScrape
{
    /// <inheritdoc/>
    public bool Available { get; } = enabled.Contains("prometheus") && plugins.Find("prometheus") is PrometheusPlugin;

    /// <inheritdoc/>
    public async Task WriteAsync(HttpContext context)
    {
        var prometheus = (PrometheusPlugin)plugins.Find("prometheus")!;
        var services = context.RequestServices;
        var nodeId = services.GetService<AdminOptions>()?.Identity.NodeId ?? "";
        var targets = prometheus.UpstreamHealthWanted ? TargetHealth(services.GetService<IBalancerSource>()) : null;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await prometheus.Metrics.WriteAsync(context.Response.Body, await store.IsReachableAsync(), nodeId, NodeIdentity.KongVersion, targets, context.RequestAborted);
        if (services.GetService<GatewayMetrics>() is { } gateway)
        {
            var version = services.GetService<ConfigSnapshotProvider>()?.Current.Version ?? 0;
            var members = services.GetService<IClusterMembershipService>()?.CurrentSnapshot.Members.Values
                .Select(m => (m.SiloAddress.Endpoint.ToString(), m.Name ?? "", m.Status.ToString().ToLowerInvariant())) ?? [];
            var consumers = services.GetService<ConsumerLookup>();
            var state = new GatewayMetrics.NodeState(nodeId, version, members, (consumers?.Hits ?? 0, consumers?.Misses ?? 0));
            await gateway.WriteAsync(context.Response.Body, state, context.RequestAborted);
        }
    }

    /// <summary>Each upstream target's state as Kong's exporter names it.</summary>
    private static List<(string Upstream, string Target, string Address, string State)> TargetHealth(IBalancerSource? upstreams) =>
        [.. (upstreams?.Balancers.All ?? []).SelectMany(balancer => balancer.Targets.Select(target => (
            balancer.Name,
            target.Address,
            target.Authority,
            !balancer.HealthchecksEnabled ? "healthchecks_off" : target.IsHealthy ? "healthy" : "unhealthy")))];
}
