using Gateway.Node.Plugins.AccessControl;
using Gateway.Node.Plugins.Acl;
using Gateway.Node.Plugins.Aggregate;
using Gateway.Node.Plugins.BasicAuth;
using Gateway.Node.Plugins.BotDetection;
using Gateway.Node.Plugins.CorrelationId;
using Gateway.Node.Plugins.Cors;
using Gateway.Node.Plugins.Datadog;
using Gateway.Node.Plugins.FileLog;
using Gateway.Node.Plugins.GrpcGateway;
using Gateway.Node.Plugins.GrpcWeb;
using Gateway.Node.Plugins.HmacAuth;
using Gateway.Node.Plugins.HttpLog;
using Gateway.Node.Plugins.HttpsRedirect;
using Gateway.Node.Plugins.IpRestriction;
using Gateway.Node.Plugins.Jwt;
using Gateway.Node.Plugins.KeyAuth;
using Gateway.Node.Plugins.LdapAuth;
using Gateway.Node.Plugins.Loggly;
using Gateway.Node.Plugins.OAuth2;
using Gateway.Node.Plugins.OpenTelemetry;
using Gateway.Node.Plugins.Prometheus;
using Gateway.Node.Plugins.ProxyCache;
using Gateway.Node.Plugins.RateLimiting;
using Gateway.Node.Plugins.Redirect;
using Gateway.Node.Plugins.RequestSizeLimiting;
using Gateway.Node.Plugins.RequestTermination;
using Gateway.Node.Plugins.RequestTransformer;
using Gateway.Node.Plugins.ResponseRateLimiting;
using Gateway.Node.Plugins.ResponseTransformer;
using Gateway.Node.Plugins.Rewrite;
using Gateway.Node.Plugins.Session;
using Gateway.Node.Plugins.StandardWebhooks;
using Gateway.Node.Plugins.Statsd;
using Gateway.Node.Plugins.Syslog;
using Gateway.Node.Plugins.TcpLog;
using Gateway.Node.Plugins.UdpLog;
using Gateway.Node.Plugins.Zipkin;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins;

/// <summary>
/// The one registration list of bundled plugins (Kong's BUNDLED_PLUGINS in kong/constants.lua): adding a
/// plugin means adding its folder and one line here. Everything else comes from the plugin instances: the
/// schemas (validation, <c>/schemas/plugins</c>), the entities they own (after the core entities), the names
/// <c>bundled</c> enables (<c>/plugins/enabled</c>) and the handlers (see <see cref="Pipeline.PluginCatalog"/>).
/// </summary>
public static class BundledPlugins
{
    /// <summary>
    /// Every bundled plugin, Kong's first in Kong's order, then ours: the order <c>bundled</c> enables them in
    /// and registers their entities in. Each line builds the plugin with the node's <see cref="PluginServices"/>.
    /// </summary>
    public static IReadOnlyList<Func<PluginServices, IGatewayPlugin>> All { get; } =
    [
        _ => new JwtPlugin(),
        _ => new AclPlugin(),
        _ => new CorrelationIdPlugin(),
        _ => new CorsPlugin(),
        services => new OAuth2Plugin(services),
        services => new TcpLogPlugin(services),
        services => new UdpLogPlugin(services),
        services => new FileLogPlugin(services),
        services => new HttpLogPlugin(services),
        _ => new KeyAuthPlugin(),
        _ => new HmacAuthPlugin(),
        _ => new BasicAuthPlugin(),
        _ => new IpRestrictionPlugin(),
        _ => new RequestTransformerPlugin(),
        _ => new ResponseTransformerPlugin(),
        _ => new RequestSizeLimitingPlugin(),
        services => new RateLimitingPlugin(services),
        services => new ResponseRateLimitingPlugin(services),
        services => new SyslogPlugin(services),
        services => new LogglyPlugin(services),
        services => new DatadogPlugin(services),
        _ => new LdapAuthPlugin(),
        services => new StatsdPlugin(services),
        _ => new BotDetectionPlugin(),
        services => new RequestTerminationPlugin(services),
        _ => new PrometheusPlugin(),
        services => new ProxyCachePlugin(services),
        services => new SessionPlugin(services),
        _ => new GrpcGatewayPlugin(),
        _ => new GrpcWebPlugin(),
        services => new ZipkinPlugin(services),
        services => new OpenTelemetryPlugin(services),
        services => new StandardWebhooksPlugin(services),
        _ => new RedirectPlugin(),
        _ => new RewritePlugin(),
        _ => new HttpsRedirectPlugin(),
        _ => new AccessControlPlugin(),
        _ => new AggregatePlugin(),
    ];
}
