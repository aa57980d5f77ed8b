using System.Globalization;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Plugins.ProxyCache;

/// <summary>
/// The proxy-cache tests' upstream: a <see cref="Backend"/> whose answer the request chooses (X-Respond-Status,
/// X-Respond-Content-Type, default text/plain, X-Respond-Cache-Control, X-Respond-Size for a body of that many
/// bytes), with the body "response N" where N counts the requests it received, so a replayed body shows.
/// </summary>
internal static class CachingBackend
{
    public static Task<Backend> StartAsync()
    {
        var served = 0;
        return Backend.StartAsync(async context =>
        {
            var n = Interlocked.Increment(ref served);
            var request = context.Request.Headers;
            var response = context.Response;
            response.StatusCode = int.TryParse(request["X-Respond-Status"], CultureInfo.InvariantCulture, out var status) ? status : 200;
            response.ContentType = request["X-Respond-Content-Type"] is [{ } type] ? type : "text/plain";
            if (request["X-Respond-Cache-Control"] is [{ } cc])
            {
                response.Headers.CacheControl = cc;
            }

            response.Headers["X-Upstream"] = "yes";
            var body = int.TryParse(request["X-Respond-Size"], CultureInfo.InvariantCulture, out var size) ? new string('x', size) : $"response {n}";
            await response.WriteAsync(body);
        });
    }
}
