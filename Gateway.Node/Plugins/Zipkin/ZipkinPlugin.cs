using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Observability.Tracing.Propagation;
using Gateway.Node.Plugins.Queues;
using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Plugins.Zipkin;

/// <summary>
/// Kong's zipkin plugin (kong/plugins/zipkin/handler.lua), with spans of its own (not the node's tracing).
/// Access: read the caller's trace context (<c>propagation.extract</c>), continue its trace or start one, decide
/// sampling (the caller's decision, else <c>sample_ratio</c>), and write the context to the upstream request with
/// the proxy span as the parent. Header filter: the trace id in <c>http_response_header_for_traceid</c>. Log: the
/// request, proxy and balancer-try spans of a sampled request to the row's queue, POSTed to <c>http_endpoint</c> as
/// Zipkin v2 JSON; without an endpoint nothing is sent. A request answered before access (no route matched) gets
/// its state in header_filter, so it is still traced.
/// </summary>
public sealed partial class ZipkinPlugin : GatewayPlugin<ZipkinConfig>
{
    /// <summary>Where a request's state waits in <see cref="PluginContext.Shared"/> for the log phase.</summary>
    internal const string StateKey = "zipkin";

    private readonly PluginServices _services;
    private readonly RowQueues<ZipkinConfig> _queues;
    private ILogger? _logger;

    /// <summary>Makes the plugin; <paramref name="services"/> gives its logger and the node's id.</summary>
    public ZipkinPlugin(PluginServices services)
    {
        _services = services;
        _queues = new RowQueues<ZipkinConfig>(c => c.InstanceId, c => c.Queue, ZipkinReporter.SendAsync, Warn);
    }

    /// <inheritdoc />
    public override PluginSchema Schema => ZipkinSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, ZipkinConfig config)
    {
        var started = ZipkinRequest.NowMicros();
        var headers = context.Http.Request.Headers;
        var found = TracePropagation.Extract(headers, config.Compiled.Extract);

        // As Kong's propagate: the headers are cleared before the request is set up (a cleared tags header gives no tags).
        TracePropagation.Clear(headers, config.Compiled);
        var state = StateOf(context, config, found);
        state.AccessStart ??= started;
        TracePropagation.Inject(headers, config.Compiled, found?.Format, state.Injected(found?.Context));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, ZipkinConfig config)
    {
        var started = ZipkinRequest.NowMicros();
        var state = StateOf(context, config, null);
        state.HeaderFilterStart ??= started;
        if (config.HttpResponseHeaderForTraceid is { } header)
        {
            context.Http.Response.Headers.Append(header, state.TraceHex);
        }

        state.HeaderFilterEnd = ZipkinRequest.NowMicros();
    }

    /// <inheritdoc />
    public override void Log(PluginLog log, ZipkinConfig config)
    {
        var now = ZipkinRequest.NowMicros();
        var state = log.Shared?.GetValueOrDefault(StateKey) as ZipkinRequest ?? FromLog(log, config);
        if (!state.Sampled || config.HttpEndpoint is null)
        {
            return;
        }

        var queue = _queues.For(config);
        foreach (var span in ZipkinSpans.Build(state, log, config, _services.Find<NodeIdentity>()?.NodeId, now))
        {
            queue.Enqueue(span);
        }
    }

    /// <inheritdoc />
    protected override ZipkinConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance);
        var propagation = compiled.Propagation;
        var extract = propagation.Extract ?? [];
        var clear = propagation.Clear ?? [];
        var inject = propagation.Inject ?? [];

        // Kong's get_plugin_params: a propagation record left at its defaults means the deprecated settings, default_header_type included.
        var legacy = extract.Count == 0 && clear.Count == 0 && inject.Count == 0;
        return compiled with
        {
            InstanceId = instance.Id,
            Compiled = TracePropagation.Compile(extract, clear, inject, legacy ? compiled.DefaultHeaderType : propagation.DefaultFormat, compiled.HeaderType),
        };
    }

    /// <summary>The request's state, made on the first phase that runs.</summary>
    private ZipkinRequest StateOf(PluginContext context, ZipkinConfig config, (TraceContext, TraceFormat)? found)
    {
        if (context.Shared.TryGetValue(StateKey, out var existing) && existing is ZipkinRequest state)
        {
            return state;
        }

        var headers = context.Http.Request.Headers;
        found ??= TracePropagation.Extract(headers, config.Compiled.Extract);
        var errors = new List<string>();
        state = ZipkinRequest.Start(found, config, headers, errors, context.Host, context.Http.Request.Protocol, context.Http.Connection.RemotePort);
        WarnTags(errors);
        context.Shared[StateKey] = state;
        return state;
    }

    /// <summary>The state of a request no earlier phase of the plugin saw, from what the log record kept.</summary>
    private ZipkinRequest FromLog(PluginLog log, ZipkinConfig config)
    {
        var headers = new HeaderDictionary(log.RequestHeaders.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
        var errors = new List<string>();
        var host = Uri.TryCreate(log.Url, UriKind.Absolute, out var url) ? url.Host : null;
        var state = ZipkinRequest.Start(TracePropagation.Extract(headers, config.Compiled.Extract), config, headers, errors, host, null, null);
        WarnTags(errors);
        return state;
    }

    private void WarnTags(List<string> errors)
    {
        if (errors.Count > 0)
        {
            Warn($"Could not parse the following Zipkin tags: {string.Join(", ", errors)}");
        }
    }

    private void Warn(string message)
    {
        _logger ??= _services.Find<ILoggerFactory>()?.CreateLogger("zipkin");
        if (_logger is not null)
        {
            LogProblem(_logger, message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "zipkin: {Message}")]
    private static partial void LogProblem(ILogger logger, string message);
}
