using System.Collections.Frozen;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Pipeline;

/// <summary>
/// One plugin that may run on a route, with Kong's scoping already resolved as far as the route
/// allows: <see cref="Fixed"/> is the config that applies without a consumer (or to a consumer with no
/// consumer-scoped row), <see cref="ByConsumer"/> the consumers that have a more specific one.
/// </summary>
/// <param name="Plugin">The plugin.</param>
/// <param name="Fixed">The config for an anonymous request, or null when only consumer-scoped rows apply.</param>
/// <param name="ByConsumer">Configs by consumer id; null when no consumer-scoped row concerns the route.</param>
public sealed record PluginStep(IGatewayPlugin Plugin, ConfiguredPlugin? Fixed, FrozenDictionary<string, ConfiguredPlugin>? ByConsumer)
{
    /// <summary>The config that applies for <paramref name="consumerId"/> (Kong's lookup_cfg), or null.</summary>
    public ConfiguredPlugin? For(string? consumerId) =>
        consumerId is not null && ByConsumer is not null && ByConsumer.TryGetValue(consumerId, out var specific) ? specific : Fixed;
}
