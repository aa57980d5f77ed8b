using Gateway.Node.Pipeline;
using Gateway.Node.Routing;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Config;

/// <summary>
/// What one request runs on: the raw config and everything compiled from it, built once per config
/// version and never changed afterwards. A request reads <see cref="ConfigSnapshotProvider.Current"/>
/// once and keeps that instance to the end, so a swap never changes the config under it.
/// </summary>
public sealed class ConfigSnapshot
{
    private ConfigSnapshot(ConfigData data, RouteTable routes, PluginChains plugins)
    {
        Data = data;
        Routes = routes;
        Plugins = plugins;
    }

    /// <summary>The rows this snapshot was compiled from.</summary>
    public ConfigData Data { get; }

    /// <summary>The compiled router: routes and services of this version.</summary>
    public RouteTable Routes { get; }

    /// <summary>The compiled plugin rows: per route, the plugins that may run, in Kong's order and scoping.</summary>
    public PluginChains Plugins { get; }

    /// <summary>The config version this snapshot is at.</summary>
    public long Version => Data.Version;

    /// <summary>Compiles a snapshot; throws when the config cannot be compiled, leaving the caller's current snapshot in place.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="plugins">The plugin handlers; the bundled ones when null.</param>
    /// <param name="honorPathHandlingV1">router_flavor = traditional: routes with path_handling v1 join paths as Kong 2.x did.</param>
    public static ConfigSnapshot Build(ConfigData data, PluginCatalog? plugins = null, bool honorPathHandlingV1 = false) =>
        new(data, RouteTable.Build(data, honorPathHandlingV1), PluginChains.Build(data, plugins ?? PluginCatalog.Bundled));
}
