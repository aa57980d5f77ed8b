using Gateway.Node.Observability;

namespace Gateway.Node.Admin;

/// <summary>Kong's prometheus plugin's Admin API route: <c>GET /metrics</c>, the same scrape as status_listen's, while the plugin is loaded.</summary>
public static class MetricsEndpoint
{
    /// <summary>Serves <c>/metrics</c>; false for any other path, or when there is no scrape (404, as Kong without the plugin loaded).</summary>
    public static async Task<bool> TryHandleAsync(HttpContext context, IReadOnlyList<string> path)
    {
        if (path is not ["metrics"] || context.RequestServices.GetService<IMetricsScrape>() is not { Available: true } metrics)
        {
            return false;
        }

        if (AdminResponse.AnsweredAsReadOnly(context))
        {
            return true;
        }

        await metrics.WriteAsync(context);
        return true;
    }
}
