using System.Diagnostics;
using Gateway.Node.Pipeline;
using Gateway.Node.Routing;
using Gateway.Node.Streams.Routing;
using Gateway.Node.Tls;
using Gateway.Node.Upstreams;
using Gateway.Node.Vaults;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Config;

/// <summary>
/// What one request runs on: the raw config and everything compiled from it (router, plugin chains, balancers, SNI
/// certificates), built whole once per config version and never changed afterwards. A request reads
/// <see cref="ConfigSnapshotProvider.Current"/> once and keeps that instance to the end, so a swap never changes the
/// config under it, and no part of it can be of another version than the rest.
/// </summary>
public sealed class ConfigSnapshot
{
    private ConfigSnapshot(
        ConfigData data, RouteTable routes, StreamRouteTable streams, PluginChains plugins, BalancerTable balancers, SniCertificateTable certificates)
    {
        Data = data;
        Routes = routes;
        Streams = streams;
        Plugins = plugins;
        Balancers = balancers;
        Certificates = certificates;
    }

    /// <summary>The rows this snapshot was compiled from.</summary>
    public ConfigData Data { get; }

    /// <summary>The compiled router: routes and services of this version.</summary>
    public RouteTable Routes { get; }

    /// <summary>The compiled stream router: the tcp, tls, udp and tls_passthrough routes of this version.</summary>
    public StreamRouteTable Streams { get; }

    /// <summary>The compiled plugin rows: per route, the plugins that may run, in Kong's order and scoping.</summary>
    public PluginChains Plugins { get; }

    /// <summary>The upstreams' balancers of this version, over targets whose health carries over from version to version.</summary>
    public BalancerTable Balancers { get; }

    /// <summary>The SNI names of this version and their certificates, for the proxy's TLS handshakes.</summary>
    public SniCertificateTable Certificates { get; }

    /// <summary>How long its router took to compile: a stage of the propagation timings (<see cref="RefreshTimings"/>).</summary>
    public TimeSpan RouterBuildTime { get; private init; }

    /// <summary>The vault references this version's plugins and certificates hold that could not be resolved (<see cref="VaultSecrets.Unresolved"/>).</summary>
    public IReadOnlyList<string> UnresolvedReferences { get; private init; } = [];

    /// <summary>The config version this snapshot is at.</summary>
    public long Version => Data.Version;

    /// <summary>
    /// Compiles a snapshot of <paramref name="data"/>, taking what outlives a version (targets' health, loaded
    /// certificates) from <paramref name="previous"/>. Throws, naming the entity at fault, when any part cannot be
    /// compiled; nothing of the attempt is then visible anywhere.
    /// </summary>
    /// <param name="data">The rows.</param>
    /// <param name="previous">The snapshot being served; null for the first one.</param>
    /// <param name="plugins">The plugin handlers.</param>
    /// <param name="time">The clock of the balancers (latency averages).</param>
    /// <param name="honorPathHandlingV1">router_flavor = traditional: routes with path_handling v1 join paths as Kong 2.x did.</param>
    public static ConfigSnapshot Build(ConfigData data, ConfigSnapshot? previous, PluginCatalog plugins, TimeProvider time, bool honorPathHandlingV1 = false)
    {
        var started = Stopwatch.GetTimestamp();
        var routes = RouteTable.Build(data, honorPathHandlingV1, previous?.Routes);
        var routerBuildTime = Stopwatch.GetElapsedTime(started);
        var secrets = new VaultSecrets(data);
        return new(
            data,
            routes,
            StreamRouteTable.Build(data, routes.Services),
            PluginChains.Build(data, plugins, secrets),
            BalancerTable.Build(data, previous?.Balancers ?? BalancerTable.Empty, time),
            SniCertificateTable.Build(data, previous?.Certificates ?? SniCertificateTable.Empty, secrets))
        {
            RouterBuildTime = routerBuildTime,
            UnresolvedReferences = secrets.Unresolved,
        };
    }
}
