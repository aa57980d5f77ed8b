using System.Text.Json.Nodes;

namespace Gateway.Plugins.Sdk.Engine;

/// <summary>What the router matched, as the engine hands it to <see cref="IPluginContextEngine.SetRoute"/> (a struct: one per request that runs a plugin).</summary>
/// <param name="Route">The matched route's row.</param>
/// <param name="RouteId">The matched route's id.</param>
/// <param name="Service">The route's service row; null for a serviceless route.</param>
/// <param name="ServiceId">The service's id; null for a serviceless route.</param>
/// <param name="UriCaptures">A regex path's numbered captures (0 is the whole match); null for none.</param>
/// <param name="NamedUriCaptures">A regex path's named captures; null for none.</param>
public readonly record struct PluginRoute(
    JsonObject Route,
    string RouteId,
    JsonObject? Service,
    string? ServiceId,
    IReadOnlyList<string?>? UriCaptures = null,
    IReadOnlyDictionary<string, string>? NamedUriCaptures = null);
