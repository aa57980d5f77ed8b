using System.Text.Json.Nodes;

namespace Gateway.Plugins.Sdk.Engine;

/// <summary>
/// The side of a <see cref="PluginContext"/> only the engine uses: telling it which route the router
/// matched, and reading what plugins left for the log record. <see cref="PluginContext"/> implements it
/// explicitly, so none of it is among the members a plugin sees; a plugin has no reason to cast to it.
/// </summary>
public interface IPluginContextEngine
{
    /// <summary>The extra log fields plugins set (<see cref="PluginContext.LogValues"/>), or null when none did (nothing was allocated).</summary>
    IReadOnlyDictionary<string, JsonNode?>? LogValuesIfAny { get; }

    /// <summary>The request-scoped values plugins share (<see cref="PluginContext.Shared"/>), or null when none was set (nothing was allocated).</summary>
    IReadOnlyDictionary<string, object?>? SharedIfAny { get; }

    /// <summary>Sets the route and service the router matched, before the access phase.</summary>
    void SetRoute(in PluginRoute route);
}
