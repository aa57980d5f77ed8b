using Gateway.Node.Admin;
using Gateway.Storage.Store;

namespace Gateway.Node.Hosting;

/// <summary>The status API on status_listen: Kong's <c>/status</c>, for probes that must not reach the Admin API.</summary>
public static class StatusEndpoint
{
    /// <summary>Serves <c>GET /status</c>; anything else is a 404.</summary>
    public static async Task HandleAsync(HttpContext context, IConfigStore store)
    {
        context.Response.Headers.Server = $"kong/{NodeIdentity.KongVersion}";
        if (context.Request.Path != "/status")
        {
            await AdminResponse.WriteAsync(context, 404, new System.Text.Json.Nodes.JsonObject { ["message"] = "Not found" });
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await AdminResponse.WriteAsync(context, 405, new System.Text.Json.Nodes.JsonObject { ["message"] = "Method not allowed" });
            return;
        }

        await AdminResponse.WriteAsync(context, 200, await MetaEndpoints.StatusAsync(store));
    }
}
