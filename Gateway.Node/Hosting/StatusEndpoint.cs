using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Config;
using Gateway.Node.Observability;
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
    public static async Task HandleAsync(HttpContext context, IConfigStore store, IClusterMembershipService membership, IMetricsScrape metrics)
    {
        context.Response.Headers.Server = $"kong/{NodeIdentity.KongVersion}";
        if (context.Request.Path == "/metrics" && metrics.Available
            && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            await metrics.WriteAsync(context);
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
}
