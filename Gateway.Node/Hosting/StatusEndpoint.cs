using System.Text.Json.Nodes;
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

/// <summary>The status API on status_listen: Kong's <c>/status</c>, for probes that must not reach the Admin API.</summary>
public static class StatusEndpoint
{
    /// <summary>
    /// Serves <c>GET /status</c>: Kong's body, plus the config version this node serves and the
    /// cluster as this silo sees it (every silo the membership table knows, with its status).
    /// <c>GET /metrics</c> serves the prometheus plugin's metrics when that plugin is enabled. Anything else is a 404.
    /// </summary>
    public static async Task HandleAsync(HttpContext context, IConfigStore store, IClusterMembershipService membership, PluginCatalog plugins)
    {
        context.Response.Headers.Server = $"kong/{NodeIdentity.KongVersion}";
        if (context.Request.Path == "/metrics" && plugins.Find("prometheus") is PrometheusPlugin prometheus
            && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            await MetricsAsync(context, store, membership, prometheus);
            return;
        }

        if (context.Request.Path != "/status")
        {
            await AdminResponse.WriteAsync(context, 404, new JsonObject { ["message"] = "Not found" });
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await AdminResponse.WriteAsync(context, 405, new JsonObject { ["message"] = "Method not allowed" });
            return;
        }

        var status = (JsonObject)await MetaEndpoints.StatusAsync(store);
        status["config_snapshot_version"] = context.RequestServices.GetService<ConfigSnapshotProvider>()?.Current.Version;
        var snapshot = membership.CurrentSnapshot;
        status["cluster"] = new JsonObject
        {
            ["members"] = new JsonArray([.. snapshot.Members.Values
                .OrderBy(m => m.SiloAddress.ToString(), StringComparer.Ordinal)
                .Select(m => (JsonNode)new JsonObject
                {
                    ["address"] = m.SiloAddress.Endpoint.ToString(),
                    ["name"] = m.Name,
                    ["status"] = m.Status.ToString().ToLowerInvariant(),
                })]),
            ["active"] = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active),
        };
        await AdminResponse.WriteAsync(context, 200, status);
    }

    /// <summary>Kong's <c>/metrics</c>: the node gauges are refreshed, every Kong family is written in the text format, then the gateway_ ones.</summary>
    private static async Task MetricsAsync(HttpContext context, IConfigStore store, IClusterMembershipService membership, PrometheusPlugin prometheus)
    {
        var nodeId = context.RequestServices.GetService<AdminOptions>()?.Identity.NodeId ?? "";
        var targets = prometheus.UpstreamHealthWanted ? TargetHealth(context.RequestServices.GetService<IBalancerSource>()) : null;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await prometheus.Metrics.WriteAsync(context.Response.Body, await store.IsReachableAsync(), nodeId, NodeIdentity.KongVersion, targets, context.RequestAborted);
        if (context.RequestServices.GetService<GatewayMetrics>() is { } gateway)
        {
            var version = context.RequestServices.GetService<ConfigSnapshotProvider>()?.Current.Version ?? 0;
            var members = membership.CurrentSnapshot.Members.Values
                .Select(m => (m.SiloAddress.Endpoint.ToString(), m.Name ?? "", m.Status.ToString().ToLowerInvariant()));
            var consumers = context.RequestServices.GetService<ConsumerLookup>();
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
