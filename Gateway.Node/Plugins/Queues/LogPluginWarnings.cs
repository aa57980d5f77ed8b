using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins.Queues;

/// <summary>
/// What a log plugin tells the node's log about itself: failed sends (from its <see cref="RowQueues{TConfig}"/>),
/// deprecated fields, and Kong's <c>custom_fields_by_lua</c>, which is accepted and not evaluated. Each line starts
/// with the plugin's name; the logger is made on first use, since plugins are built before the node's services.
/// </summary>
/// <param name="services">The node's services (its logger factory).</param>
/// <param name="plugin">The plugin's name, the logger's category and each line's start.</param>
/// <param name="level">The level of every line.</param>
public sealed partial class LogPluginWarnings(PluginServices services, string plugin, LogLevel level)
{
    private ILogger? _logger;

    /// <summary>Logs one problem.</summary>
    public void Warn(string message)
    {
        _logger ??= services.Find<ILoggerFactory>()?.CreateLogger(plugin);
        if (_logger is not null)
        {
            LogProblem(_logger, level, plugin, message);
        }
    }

    /// <summary>Names the custom_fields_by_lua fields of a config that will not be logged, if it has any.</summary>
    public void LuaFieldsIgnored(IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is { Count: > 0 })
        {
            Warn($"custom_fields_by_lua is not supported (Lua is not evaluated); these fields are not logged: {string.Join(", ", fields.Keys)}");
        }
    }

    [LoggerMessage(Message = "{Plugin}: {Message}")]
    private static partial void LogProblem(ILogger logger, LogLevel level, string plugin, string message);
}
