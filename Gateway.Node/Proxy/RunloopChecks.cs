using Gateway.Node.Routing;

namespace Gateway.Node.Proxy;

/// <summary>
/// The checks Kong's runloop makes between routing and the plugins' access phase (kong/runloop/handler.lua):
/// an https-only route on plain HTTP, and a gRPC route given something else than gRPC over HTTP/2 (over TLS
/// for a grpcs-only route).
/// </summary>
internal static class RunloopChecks
{
    /// <summary>What keeps the request from its route; null when it may go on.</summary>
    /// <param name="context">The client's request.</param>
    /// <param name="route">The matched route.</param>
    /// <param name="proto">The scheme as forwarded (X-Forwarded-Proto, trusted_ips considered).</param>
    public static RunloopRefusal? Find(HttpContext context, RouteModel route, string proto)
    {
        if (route.HttpsOnly && proto != "https")
        {
            return RunloopRefusal.HttpsRequired;
        }

        if ((route.Protocols & (RouteProtocols.Grpc | RouteProtocols.Grpcs)) == 0)
        {
            return null;
        }

        var contentType = context.Request.ContentType;
        if (contentType is null || !contentType.StartsWith("application/grpc", StringComparison.Ordinal))
        {
            return RunloopRefusal.NotGrpc;
        }

        if (!HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            return RunloopRefusal.Http2Required;
        }

        return (route.Protocols & RouteProtocols.Grpc) == 0 && proto != "https" ? RunloopRefusal.GrpcsRequired : null;
    }
}
