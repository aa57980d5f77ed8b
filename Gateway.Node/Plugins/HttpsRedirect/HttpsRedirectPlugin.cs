using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Node.Plugins.HttpsRedirect;

/// <summary>
/// Ours: answers a plain-HTTP request with a redirect to the same host, path and query over HTTPS.
/// The scheme is the one forwarded (X-Forwarded-Proto from a trusted proxy counts), so a node behind a
/// TLS-terminating load balancer does not redirect in a loop. Requests under an exempt path prefix pass.
/// </summary>
public sealed class HttpsRedirectPlugin : GatewayPlugin<HttpsRedirectConfig>
{
    /// <inheritdoc />
    public override PluginSchema Schema => HttpsRedirectSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, HttpsRedirectConfig config)
    {
        if (!string.Equals(context.Scheme, "http", StringComparison.OrdinalIgnoreCase) || IsExempt(context.Path, config.ExemptPaths))
        {
            return ValueTask.CompletedTask;
        }

        var request = context.Http.Request;
        var target = context.Http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : request.PathBase + request.Path + request.QueryString;
        var host = context.Host.Contains(':') ? $"[{context.Host}]" : context.Host;
        var port = config.HttpsPort == 443 ? "" : $":{config.HttpsPort}";
        context.Exit(config.StatusCode, null, [new("Location", $"https://{host}{port}{target}")]);
        return ValueTask.CompletedTask;
    }

    /// <summary>A prefix exempts itself and what is below it: "/health" covers "/health" and "/health/live", not "/healthz".</summary>
    internal static bool IsExempt(string path, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal)
                && (prefix.EndsWith('/') || path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                return true;
            }
        }

        return false;
    }
}
