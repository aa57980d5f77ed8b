using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Node.Pipeline;
using Gateway.Node.Routing;
using Gateway.Node.Streams.Routing;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;

namespace Gateway.Node.Streams;

/// <summary>
/// The plugins of one stream connection, as Kong picks them in the stream subsystem: those of the route's plugin
/// chain (Kong's scoping; consumers play no part, nothing authenticates a stream) that take part in a stream phase
/// and whose row's <c>protocols</c> include the connection's scheme. Worked out once per compiled route and scheme.
/// </summary>
internal sealed partial class StreamPlugins
{
    // A compiled route belongs to one snapshot, so what is cached for it is of that snapshot's plugins.
    private static readonly ConditionalWeakTable<StreamRoute, ConcurrentDictionary<string, StreamPlugins>> Cache = [];

    private readonly ConfiguredPlugin[] _plugins;
    private readonly ILogger _logger;

    private StreamPlugins(ConfiguredPlugin[] plugins, ILogger logger)
    {
        _plugins = plugins;
        _logger = logger;
    }

    /// <summary>Whether any plugin takes part.</summary>
    public bool IsEmpty => _plugins.Length == 0;

    /// <summary>The stream plugins of <paramref name="route"/> (of <paramref name="snapshot"/>) for <paramref name="scheme"/> (tcp, tls or udp).</summary>
    public static StreamPlugins For(ConfigSnapshot snapshot, StreamRoute route, string scheme, ILogger logger) =>
        Cache.GetValue(route, _ => new()).GetOrAdd(scheme, s => Collect(snapshot, route.Id, s, logger));

    private static StreamPlugins Collect(ConfigSnapshot snapshot, string routeId, string scheme, ILogger logger)
    {
        var plugins = new List<ConfiguredPlugin>();
        foreach (var step in snapshot.Plugins.ForRoute(routeId).Steps)
        {
            if ((step.Plugin.Phases & (PluginPhases.Preread | PluginPhases.StreamLog)) != 0 && step.Fixed is { } configured
                && Allows(snapshot, configured.Instance.Id, scheme))
            {
                plugins.Add(configured);
            }
        }

        return new([.. plugins], logger);
    }

    /// <summary>Kong's preread phase: every plugin in order until one refuses the connection.</summary>
    public async ValueTask PrereadAsync(StreamContext context)
    {
        foreach (var configured in _plugins)
        {
            if ((configured.Plugin.Phases & PluginPhases.Preread) == 0)
            {
                continue;
            }

            try
            {
                await configured.Plugin.PrereadAsync(context, configured.Config);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogPhaseFailed(_logger, configured.Plugin.Name, e);
                context.Exit(500, $"plugin '{configured.Plugin.Name}' failed");
            }

            if (context.ExitStatus is not null)
            {
                return;
            }
        }
    }

    /// <summary>Kong's log phase, on the thread pool.</summary>
    public void QueueLog(StreamSessionLog log)
    {
        if (!Array.Exists(_plugins, p => (p.Plugin.Phases & PluginPhases.StreamLog) != 0))
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                foreach (var configured in state.Plugins)
                {
                    try
                    {
                        configured.Plugin.LogStream(state.Log, configured.Config);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        LogPhaseFailed(state.Logger, configured.Plugin.Name, e);
                    }
                }
            },
            (Plugins: _plugins, Log: log, Logger: _logger),
            preferLocal: false);
    }

    /// <summary>Whether a plugin row's protocols include <paramref name="scheme"/>; a row without protocols runs on any.</summary>
    private static bool Allows(ConfigSnapshot snapshot, string pluginId, string scheme)
    {
        var row = snapshot.Data["plugins"].FirstOrDefault(r => RowReader.String(r, "id") == pluginId);
        return row?["protocols"] is not JsonArray || RowReader.Strings(row, "protocols").Contains(scheme);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin '{Plugin}' failed in a stream phase")]
    private static partial void LogPhaseFailed(ILogger logger, string plugin, Exception exception);
}
