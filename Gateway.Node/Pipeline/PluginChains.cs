using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Gateway.Node.Vaults;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Tracing;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Pipeline;

/// <summary>
/// The plugin rows of one snapshot, compiled: each enabled row's config built once, and for every
/// route the list of plugins that may run on it with Kong's scoping precedence
/// (kong/runloop/plugins_iterator.lua <c>lookup_cfg</c>): route+service+consumer, route+consumer,
/// service+consumer, route+service, consumer, route, service, global. Immutable once built.
/// </summary>
public sealed class PluginChains
{
    private readonly FrozenDictionary<string, RoutePlugins> _byRoute;

    private PluginChains(FrozenDictionary<string, RoutePlugins> byRoute, RoutePlugins globals, IReadOnlyList<ConfiguredPlugin> rewrite, IReadOnlyList<ConfiguredPlugin> configured)
    {
        Configured = configured;
        Traced = configured.Any(c => c.Plugin is ITracingPlugin);
        TracesLogs = configured.Any(c => c.Plugin is ITracingPlugin tracing && tracing.WantsRequestLogs(c.Config));
        _byRoute = byRoute;
        Globals = globals;
        Rewrite = rewrite;
    }

    /// <summary>No plugins at all.</summary>
    public static PluginChains Empty { get; } = new(FrozenDictionary<string, RoutePlugins>.Empty, RoutePlugins.None, [], []);

    /// <summary>The global plugins: what runs on requests no route matched, and answers the gateway gives before access.</summary>
    public RoutePlugins Globals { get; }

    /// <summary>The global plugins with a rewrite phase, in order (Kong runs rewrite for global plugins only, before routing).</summary>
    public IReadOnlyList<ConfiguredPlugin> Rewrite { get; }

    /// <summary>Every enabled row's compiled config, whatever its scope (what a plugin's node-wide work, such as relaying logs, serves).</summary>
    public IReadOnlyList<ConfiguredPlugin> Configured { get; }

    /// <summary>Whether an enabled row of a tracing plugin (<see cref="ITracingPlugin"/>) exists: requests then record spans.</summary>
    public bool Traced { get; }

    /// <summary>Whether a tracing plugin's row exports log lines: they then carry the running request's trace ids.</summary>
    public bool TracesLogs { get; }

    /// <summary>The plugins that may run on a route; <see cref="RoutePlugins.None"/> when none.</summary>
    public RoutePlugins ForRoute(string routeId) => _byRoute.GetValueOrDefault(routeId, RoutePlugins.None);

    /// <summary>
    /// Compiles the plugin rows of <paramref name="data"/>. Disabled rows are left out; rows of a plugin
    /// this node has no handler for are left out too (their schema still validates them). Vault references in
    /// the configs' referenceable fields are resolved by <paramref name="secrets"/> before they compile. Throws when a
    /// config cannot be compiled, so the node keeps its previous snapshot.
    /// </summary>
    public static PluginChains Build(ConfigData data, PluginCatalog catalog, VaultSecrets? secrets = null)
    {
        var rows = data["plugins"];
        if (rows.Count == 0)
        {
            return Empty;
        }

        // Kong's combos: per plugin, configs by (route, service, consumer).
        var combos = new Dictionary<IGatewayPlugin, Dictionary<Scope, ConfiguredPlugin>>();
        foreach (var row in rows)
        {
            if (row["enabled"] is JsonValue enabled && !enabled.GetValue<bool>())
            {
                continue;
            }

            var name = row["name"]!.GetValue<string>();
            if (catalog.Find(name) is not { } plugin)
            {
                continue;
            }

            var instance = new PluginInstance(
                row["id"]!.GetValue<string>(), name, row["instance_name"]?.GetValue<string>(), Id(row["route"]), Id(row["service"]), Id(row["consumer"]));
            object config;
            try
            {
                var stored = row["config"] as JsonObject ?? [];
                config = plugin.CompileConfig(secrets?.Resolve(plugin.Schema.Config, stored, $"plugin '{name}' ({instance.Id}) config") ?? stored, instance);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"plugin '{name}' ({instance.Id}): cannot use its config: {e.Message}", e);
            }

            if (!combos.TryGetValue(plugin, out var byScope))
            {
                combos[plugin] = byScope = [];
            }

            byScope[new Scope(instance.RouteId, instance.ServiceId, instance.ConsumerId)] = new ConfiguredPlugin(plugin, config, instance);
        }

        if (combos.Count == 0)
        {
            return Empty;
        }

        var ordered = combos.Keys.OrderByDescending(p => p.Priority).ThenBy(p => p.Name, StringComparer.Ordinal).ToArray();
        var byRoute = new Dictionary<string, RoutePlugins>(StringComparer.Ordinal);
        foreach (var route in data["routes"])
        {
            var routeId = route["id"]!.GetValue<string>();
            var plan = Plan(ordered, combos, routeId, Id(route["service"]));
            if (!plan.IsEmpty)
            {
                byRoute[routeId] = plan;
            }
        }

        var globals = Plan(ordered, combos, null, null);
        var rewrite = globals.Steps
            .Where(s => (s.Plugin.Phases & PluginPhases.Rewrite) != 0 && s.Fixed is not null)
            .Select(s => s.Fixed!)
            .ToArray();
        return new PluginChains(byRoute.ToFrozenDictionary(StringComparer.Ordinal), globals, rewrite, [.. combos.Values.SelectMany(byScope => byScope.Values)]);
    }

    private static RoutePlugins Plan(IGatewayPlugin[] ordered, Dictionary<IGatewayPlugin, Dictionary<Scope, ConfiguredPlugin>> combos, string? routeId, string? serviceId)
    {
        var steps = new List<PluginStep>();
        foreach (var plugin in ordered)
        {
            var byScope = combos[plugin];
            var schema = plugin.Schema;
            var route = schema.NoRoute ? null : routeId;
            var service = schema.NoService ? null : serviceId;
            var fixedConfig = Lookup(byScope, route, service, null);
            Dictionary<string, ConfiguredPlugin>? byConsumer = null;
            if (!schema.NoConsumer)
            {
                // Every consumer with a row that could concern this route gets its own resolved config.
                foreach (var scope in byScope.Keys)
                {
                    if (scope.Consumer is { } consumer && (scope.Route is null || scope.Route == route) && (scope.Service is null || scope.Service == service)
                        && Lookup(byScope, route, service, consumer) is { } specific && !ReferenceEquals(specific, fixedConfig))
                    {
                        (byConsumer ??= new(StringComparer.Ordinal))[consumer] = specific;
                    }
                }
            }

            if (fixedConfig is not null || byConsumer is not null)
            {
                steps.Add(new PluginStep(plugin, fixedConfig, byConsumer?.ToFrozenDictionary(StringComparer.Ordinal)));
            }
        }

        return steps.Count == 0 ? RoutePlugins.None : new RoutePlugins(steps);
    }

    /// <summary>Kong's <c>lookup_cfg</c>: the most specific row for the request's route, service and consumer.</summary>
    private static ConfiguredPlugin? Lookup(Dictionary<Scope, ConfiguredPlugin> byScope, string? route, string? service, string? consumer)
    {
        if (route is not null && service is not null && consumer is not null && byScope.TryGetValue(new(route, service, consumer), out var found))
        {
            return found;
        }

        if (route is not null && consumer is not null && byScope.TryGetValue(new(route, null, consumer), out found))
        {
            return found;
        }

        if (service is not null && consumer is not null && byScope.TryGetValue(new(null, service, consumer), out found))
        {
            return found;
        }

        if (route is not null && service is not null && byScope.TryGetValue(new(route, service, null), out found))
        {
            return found;
        }

        if (consumer is not null && byScope.TryGetValue(new(null, null, consumer), out found))
        {
            return found;
        }

        if (route is not null && byScope.TryGetValue(new(route, null, null), out found))
        {
            return found;
        }

        if (service is not null && byScope.TryGetValue(new(null, service, null), out found))
        {
            return found;
        }

        return byScope.GetValueOrDefault(new Scope(null, null, null));
    }

    private static string? Id(JsonNode? reference) => reference is JsonObject o ? o["id"]?.GetValue<string>() : null;

    private readonly record struct Scope(string? Route, string? Service, string? Consumer);
}
