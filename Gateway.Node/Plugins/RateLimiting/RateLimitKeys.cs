using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>The parts of a counter key that rate-limiting and response-ratelimiting share, as Kong builds them.</summary>
public static class RateLimitKeys
{
    private const string NullUuid = "00000000-0000-0000-0000-000000000000";

    /// <summary>"{route id}:{service id}" of the plugin row's scope, the null UUID where it has none.</summary>
    public static string Scope(PluginInstance instance) => $"{instance.RouteId ?? NullUuid}:{instance.ServiceId ?? NullUuid}";

    /// <summary>
    /// Kong's get_identifier: the key <paramref name="limitBy"/> names, or the client's address when there is none.
    /// <paramref name="headerName"/> and <paramref name="path"/> serve limit_by header and path.
    /// </summary>
    public static string Identifier(PluginContext context, string limitBy, string? headerName = null, string? path = null)
    {
        var identifier = limitBy switch
        {
            "consumer" => context.ConsumerId ?? context.Credential?["id"]?.GetValue<string>(),
            "credential" => context.Credential?["id"]?.GetValue<string>(),
            "service" => context.ServiceId,
            "header" => headerName is not null && context.Http.Request.Headers.TryGetValue(headerName, out var values) && values.Count > 0 ? values[0] : null,
            "path" => context.Path == path ? path : null,
            _ => null,
        };
        return string.IsNullOrEmpty(identifier) ? context.ClientIp : identifier;
    }
}
