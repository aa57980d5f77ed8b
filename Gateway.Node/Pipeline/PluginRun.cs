using System.Diagnostics;
using Gateway.Node.Observability;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Tracing;

namespace Gateway.Node.Pipeline;

/// <summary>
/// Runs one request's plugins through Kong's phases (kong/runloop/plugins_iterator.lua): rewrite for
/// global plugins; access in priority order, each plugin's config looked up with the consumer known
/// at that point (an auth plugin that authenticates changes the configs of the plugins after it);
/// the plugins found in access are collected for header filter, body filter and log. Once a plugin
/// answers, later access handlers are skipped but the rest is still collected, as in Kong.
/// </summary>
internal sealed partial class PluginRun(PluginContext context, ILogger logger, PluginLatency? latency = null)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Phase, string Plugin), string> SpanNames = new();

    private List<ConfiguredPlugin>? _headerFilters;
    private List<ConfiguredPlugin>? _bodyFilters;
    private List<ConfiguredPlugin>? _logs;
    private List<ConfiguredPlugin>? _exporters;
    private bool _collected;

    /// <summary>The request as plugins see it.</summary>
    public PluginContext Context { get; } = context;

    /// <summary>Whether some plugin wants the whole response body (the engine then buffers it).</summary>
    public bool BuffersBody => _bodyFilters is not null;

    /// <summary>Whether some plugin has a log phase.</summary>
    public bool Logs => _logs is not null;

    /// <summary>Whether some tracing plugin exports this request's trace.</summary>
    public bool Exports => _exporters is not null;

    /// <summary>Kong's rewrite phase: the global plugins that have one, before routing.</summary>
    public async ValueTask RewriteAsync(IReadOnlyList<ConfiguredPlugin> plugins)
    {
        foreach (var configured in plugins)
        {
            if (Context.Exited is not null)
            {
                return;
            }

            try
            {
                var started = Started();
                var span = StartSpan(TracingInstrumentations.PluginRewrite, "rewrite", configured);
                await configured.Plugin.RewriteAsync(Context, configured.Config);
                span?.End();
                latency?.Observe(configured.Plugin.Name, "rewrite", started);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Fail(configured, "rewrite", e);
            }
        }
    }

    /// <summary>Kong's access phase over a route's plugins, collecting them for the later phases.</summary>
    public async ValueTask AccessAsync(RoutePlugins plan)
    {
        // Access decides what is collected, whatever was collected before (globals for an early answer that did not come).
        _headerFilters = _bodyFilters = _logs = _exporters = null;
        _collected = true;
        var steps = plan.Steps;
        for (var i = 0; i < steps.Count; i++)
        {
            var configured = steps[i].For(Context.ConsumerId);
            if (configured is null)
            {
                continue;
            }

            Collect(configured);
            if (Context.Exited is null && (configured.Plugin.Phases & PluginPhases.Access) != 0)
            {
                try
                {
                    var started = Started();
                    var span = StartSpan(TracingInstrumentations.PluginAccess, "access", configured);
                    await configured.Plugin.AccessAsync(Context, configured.Config);
                    span?.End();
                    latency?.Observe(configured.Plugin.Name, "access", started);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Fail(configured, "access", e);
                }
            }
        }
    }

    /// <summary>Collects plugins without running access: the global plugins of a request the gateway answers before access.</summary>
    public void CollectOnly(RoutePlugins plan)
    {
        if (_collected)
        {
            return;
        }

        _collected = true;
        foreach (var step in plan.Steps)
        {
            if (step.Fixed is { } configured)
            {
                Collect(configured);
            }
        }
    }

    /// <summary>Kong's header_filter phase, on the response about to go out.</summary>
    public void HeaderFilter()
    {
        if (_headerFilters is null)
        {
            return;
        }

        foreach (var configured in _headerFilters)
        {
            try
            {
                var started = Started();
                var span = StartSpan(TracingInstrumentations.PluginHeaderFilter, "header_filter", configured);
                configured.Plugin.HeaderFilter(Context, configured.Config);
                span?.End();
                latency?.Observe(configured.Plugin.Name, "header_filter", started);
            }
            catch (Exception e)
            {
                LogPhaseFailed(logger, configured.Plugin.Name, "header_filter", e);
            }
        }
    }

    /// <summary>Kong's body_filter phase on the whole body.</summary>
    public ReadOnlyMemory<byte> BodyFilter(ReadOnlyMemory<byte> body)
    {
        foreach (var configured in _bodyFilters ?? [])
        {
            try
            {
                var started = Started();
                body = configured.Plugin.BodyFilter(Context, configured.Config, body);
                latency?.Observe(configured.Plugin.Name, "body_filter", started);
            }
            catch (Exception e)
            {
                LogPhaseFailed(logger, configured.Plugin.Name, "body_filter", e);
            }
        }

        return body;
    }

    /// <summary>Hands the ended trace to the tracing plugins that ran (they only queue it).</summary>
    public void Export(RequestTrace trace)
    {
        foreach (var configured in _exporters ?? [])
        {
            try
            {
                ((ITracingPlugin)configured.Plugin).Export(trace, configured.Config);
            }
            catch (Exception e)
            {
                LogPhaseFailed(logger, configured.Plugin.Name, "log", e);
            }
        }
    }

    /// <summary>Kong's log phase, queued to the thread pool so the request's own work is done.</summary>
    public void QueueLog(PluginLog log)
    {
        if (_logs is not { } logs)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                foreach (var configured in state.Logs)
                {
                    try
                    {
                        var started = state.Latency is null ? 0 : Stopwatch.GetTimestamp();
                        configured.Plugin.Log(state.Log, configured.Config);
                        state.Latency?.Observe(configured.Plugin.Name, "log", started);
                    }
                    catch (Exception e)
                    {
                        LogPhaseFailed(state.Logger, configured.Plugin.Name, "log", e);
                    }
                }
            },
            (Logs: logs, Log: log, Logger: logger, Latency: latency),
            preferLocal: false);
    }

    /// <summary>Kong's <c>kong.PHASE.plugin.NAME</c> span around a handler, when the request is traced and that instrumentation is on.</summary>
    private TraceSpan? StartSpan(TracingInstrumentations instrumentation, string phase, ConfiguredPlugin configured) =>
        Context.Trace?.Start(instrumentation, SpanNames.GetOrAdd((phase, configured.Plugin.Name), static key => $"kong.{key.Phase}.plugin.{key.Plugin}"));

    /// <summary>Now, when handlers are timed; 0 otherwise (no clock read).</summary>
    private long Started() => latency is null ? 0 : Stopwatch.GetTimestamp();

    private void Collect(ConfiguredPlugin configured)
    {
        var phases = configured.Plugin.Phases;
        if ((phases & PluginPhases.HeaderFilter) != 0)
        {
            (_headerFilters ??= []).Add(configured);
        }

        if ((phases & PluginPhases.BodyFilter) != 0 && configured.Plugin.NeedsBody(configured.Config))
        {
            (_bodyFilters ??= []).Add(configured);
        }

        if ((phases & PluginPhases.Log) != 0)
        {
            (_logs ??= []).Add(configured);
        }

        if (configured.Plugin is ITracingPlugin)
        {
            (_exporters ??= []).Add(configured);
        }
    }

    /// <summary>A plugin that throws gets Kong's answer: 500 "An unexpected error occurred".</summary>
    private void Fail(ConfiguredPlugin configured, string phase, Exception e)
    {
        LogPhaseFailed(logger, configured.Plugin.Name, phase, e);
        Context.Exit(500, PluginContext.Message("An unexpected error occurred"));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin '{Plugin}' failed in {Phase}")]
    private static partial void LogPhaseFailed(ILogger logger, string plugin, string phase, Exception exception);
}
