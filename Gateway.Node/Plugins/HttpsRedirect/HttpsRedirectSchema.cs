using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.HttpsRedirect;

/// <summary>
/// The https-redirect plugin's config (ours): answers plain-HTTP requests with a redirect to the same
/// host and path over HTTPS.
/// </summary>
/// <remarks>
/// <c>https_port</c> defaults to 443, as a Kong route's <c>https_redirect_status_code</c> redirects to
/// https://host/path without a port: in production the gateway sits behind port 443 (or a load balancer
/// on it), and the 8443 listener is an internal detail. Set 8443 for a bare development node.
/// <c>exempt_paths</c> defaults to empty: health checks go to status_listen, not the proxy, so nothing
/// needs an exemption unless the operator says so (an ACME HTTP-01 challenge path, for instance).
/// </remarks>
public static class HttpsRedirectSchema
{
    /// <summary>
    /// 3000: before every bundled plugin except correlation-id (100001), so no authentication, CORS or
    /// bot check runs on a request that is about to be redirected; above bot-detection (2500), unused by Kong.
    /// </summary>
    public const int Priority = 3000;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("https-redirect", Priority, Record("config", "The https-redirect settings.",
        Int("status_code", "The redirect status: 301, 302, 307 or 308.", 301) with { Required = true, OneOf = ["301", "302", "307", "308"] },
        Port("https_port", "The port in the redirect's Location; 443 is left out of the URL.", 443) with { Required = true, Between = (1, 65535) },
        Array("exempt_paths", Path("prefix", "A path prefix served over plain HTTP."),
            "Path prefixes served over plain HTTP instead of redirected.", [])));
}
