using Gateway.Node.Plugins.AccessControl;
using Gateway.Node.Plugins.Acl;
using Gateway.Node.Plugins.BasicAuth;
using Gateway.Node.Plugins.BotDetection;
using Gateway.Node.Plugins.CorrelationId;
using Gateway.Node.Plugins.Cors;
using Gateway.Node.Plugins.FileLog;
using Gateway.Node.Plugins.HmacAuth;
using Gateway.Node.Plugins.HttpLog;
using Gateway.Node.Plugins.HttpsRedirect;
using Gateway.Node.Plugins.IpRestriction;
using Gateway.Node.Plugins.Jwt;
using Gateway.Node.Plugins.KeyAuth;
using Gateway.Node.Plugins.Prometheus;
using Gateway.Node.Plugins.RateLimiting;
using Gateway.Node.Plugins.RequestSizeLimiting;
using Gateway.Node.Plugins.RequestTermination;
using Gateway.Node.Plugins.RequestTransformer;
using Gateway.Node.Plugins.ResponseRateLimiting;
using Gateway.Node.Plugins.ResponseTransformer;
using Gateway.Node.Plugins.Rewrite;
using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins;

/// <summary>
/// The one registration list of bundled plugins (Kong's BUNDLED_PLUGINS in kong/constants.lua):
/// adding a plugin means adding its folder and one line here.
/// </summary>
public static class BundledPlugins
{
    /// <summary>Every bundled plugin's schema, Kong's first, then ours.</summary>
    public static IReadOnlyList<PluginSchema> Schemas { get; } =
    [
        JwtSchema.Schema,
        AclSchema.Schema,
        CorrelationIdSchema.Schema,
        CorsSchema.Schema,
        FileLogSchema.Schema,
        HttpLogSchema.Schema,
        KeyAuthSchema.Schema,
        HmacAuthSchema.Schema,
        BasicAuthSchema.Schema,
        IpRestrictionSchema.Schema,
        RequestTransformerSchema.Schema,
        ResponseTransformerSchema.Schema,
        RequestSizeLimitingSchema.Schema,
        RateLimitingSchema.Schema,
        ResponseRateLimitingSchema.Schema,
        BotDetectionSchema.Schema,
        RequestTerminationSchema.Schema,
        PrometheusSchema.Schema,
        RewriteSchema.Schema,
        HttpsRedirectSchema.Schema,
        AccessControlSchema.Schema,
    ];

    /// <summary>
    /// The bundled plugins' handlers, one line each: a plugin whose handler is not listed still
    /// validates (its schema is above) but does not run.
    /// </summary>
    public static IReadOnlyList<Func<PluginServices, IGatewayPlugin>> Handlers { get; } =
    [
        _ => new CorrelationIdPlugin(),
        _ => new CorsPlugin(),
        _ => new IpRestrictionPlugin(),
        _ => new BotDetectionPlugin(),
        _ => new RequestSizeLimitingPlugin(),
        services => new RequestTerminationPlugin(services),
        _ => new RequestTransformerPlugin(),
        _ => new ResponseTransformerPlugin(),
        _ => new KeyAuthPlugin(),
        _ => new BasicAuthPlugin(),
        _ => new JwtPlugin(),
        _ => new HmacAuthPlugin(),
        _ => new AclPlugin(),
        services => new RateLimitingPlugin(services),
        services => new ResponseRateLimitingPlugin(services),
        services => new HttpLogPlugin(services),
        services => new FileLogPlugin(services),
        _ => new PrometheusPlugin(),
        _ => new HttpsRedirectPlugin(),
        _ => new RewritePlugin(),
        _ => new AccessControlPlugin(),
    ];

    /// <summary>The credential entities the plugins own; they reference consumers, so register them after the core entities.</summary>
    public static IReadOnlyList<EntitySchema> CredentialEntities { get; } =
    [
        KeyAuthCredentials.Schema,
        BasicAuthCredentials.Schema,
        AclCredentials.Schema,
        JwtCredentials.Schema,
        HmacAuthCredentials.Schema,
    ];

    /// <summary>
    /// The plugin names the <c>plugins</c> setting enables: <c>bundled</c> stands for every bundled
    /// plugin; other entries are names, kept in the order written, each once.
    /// </summary>
    public static IReadOnlyList<string> Enabled(IEnumerable<string> setting) => Enabled(setting, []);

    /// <summary>
    /// As <see cref="Enabled(IEnumerable{string})"/>, with entries that name a plugin assembly replaced
    /// by the names of the plugins loaded from it.
    /// </summary>
    public static IReadOnlyList<string> Enabled(IEnumerable<string> setting, IReadOnlyList<IGatewayPlugin> custom) =>
        [.. setting.SelectMany(entry => entry == "bundled" ? Schemas.Select(s => s.Name)
            : Pipeline.PluginAssemblyLoader.IsAssemblyEntry(entry) ? custom.Select(p => p.Name)
            : [entry]).Distinct(StringComparer.Ordinal)];
}
