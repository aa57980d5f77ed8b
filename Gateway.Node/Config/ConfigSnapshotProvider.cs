using Gateway.Node.Pipeline;
using Gateway.Node.Upstreams;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Config;

/// <summary>
/// Holds the node's current <see cref="ConfigSnapshot"/> and swaps it atomically, as YARP's
/// IProxyConfigProvider does: readers take <see cref="Current"/> without a lock; a newer config is
/// compiled whole off to the side and published with one exchange, or not at all.
/// </summary>
public sealed partial class ConfigSnapshotProvider : IBalancerSource
{
    private readonly Lock _applyLock = new();
    private readonly PluginCatalog _plugins;
    private readonly TimeProvider _time;
    private readonly bool _honorPathHandlingV1;
    private readonly ILogger? _logger;
    private ConfigSnapshot _current;

    /// <param name="plugins">The plugin handlers snapshots compile plugin rows with; the bundled ones when null.</param>
    /// <param name="honorPathHandlingV1">router_flavor = traditional: routes' path_handling v1 applies.</param>
    /// <param name="time">The balancers' clock; the system's when null.</param>
    /// <param name="logger">Where a config that cannot be compiled is reported.</param>
    public ConfigSnapshotProvider(
        PluginCatalog? plugins = null, bool honorPathHandlingV1 = false, TimeProvider? time = null, ILogger<ConfigSnapshotProvider>? logger = null)
    {
        _plugins = plugins ?? PluginCatalog.Bundled;
        _time = time ?? TimeProvider.System;
        _honorPathHandlingV1 = honorPathHandlingV1;
        _logger = logger;
        _current = ConfigSnapshot.Build(ConfigData.Empty, null, _plugins, _time, honorPathHandlingV1);
    }

    /// <summary>Raised on the publishing thread after a new snapshot is published (the active health checker re-plans on it); handlers must not throw.</summary>
    public event Action? Published;

    /// <summary>The snapshot to serve the next request with.</summary>
    public ConfigSnapshot Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    BalancerTable IBalancerSource.Balancers => Current.Balancers;

    /// <summary>
    /// Compiles <paramref name="data"/> and publishes it, unless the current snapshot is already at that
    /// version or newer; returns whether it was published. A config that fails to compile is logged with
    /// the entity at fault and throws, leaving the current snapshot serving.
    /// </summary>
    public bool Apply(ConfigData data)
    {
        lock (_applyLock)
        {
            var current = Current;
            if (data.Version != 0 && data.Version <= current.Version)
            {
                return false;
            }

            ConfigSnapshot next;
            try
            {
                next = ConfigSnapshot.Build(data, current, _plugins, _time, _honorPathHandlingV1);
            }
            catch (Exception e)
            {
                if (_logger is not null)
                {
                    LogBuildFailure(_logger, data.Version, current.Version, e.Message, e);
                }

                throw;
            }

            Interlocked.Exchange(ref _current, next);
            if (_logger is not null)
            {
                foreach (var line in next.Routes.NeverMatching.Except(current.Routes.NeverMatching, StringComparer.Ordinal))
                {
                    LogNeverMatching(_logger, line, Gateway.Schema.LinearRegex.Rule);
                }

                foreach (var line in next.UnresolvedReferences.Except(current.UnresolvedReferences, StringComparer.Ordinal))
                {
                    LogUnresolved(_logger, line);
                }
            }
        }

        Published?.Invoke();
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Line}: {Rule}")]
    private static partial void LogNeverMatching(ILogger logger, string line, string rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Line}")]
    private static partial void LogUnresolved(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Error, Message = "config version {Version} cannot be compiled, version {Serving} stays live: {Reason}")]
    private static partial void LogBuildFailure(ILogger logger, long version, long serving, string reason, Exception exception);
}
