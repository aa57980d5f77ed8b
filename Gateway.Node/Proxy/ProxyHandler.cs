using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gateway.Node.Proxy;

/// <summary>
/// Serves client traffic on proxy_listen. The router is not built yet, so every request gets
/// Kong's "no Route matched" 404, with Kong's headers and a request id.
/// </summary>
public static class ProxyHandler
{
    /// <summary>Answers one proxied request.</summary>
    public static Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var response = context.Response;
        response.StatusCode = 404;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.Server = $"kong/{Admin.NodeIdentity.KongVersion}";
        response.Headers["X-Kong-Request-Id"] = requestId;
        response.Headers["X-Kong-Response-Latency"] = ((long)Stopwatch.GetElapsedTime(started).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = new JsonObject { ["message"] = "no Route matched with those values", ["request_id"] = requestId };
        return response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
