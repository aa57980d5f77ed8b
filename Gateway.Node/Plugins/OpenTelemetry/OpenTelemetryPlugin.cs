using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Observability.Tracing.Propagation;
using Gateway.Node.Plugins.Queues;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Tracing;
using Gateway.Schema;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Gateway.Node.Plugins.OpenTelemetry;

/// <summary>
/// Kong's opentelemetry plugin (kong/plugins/opentelemetry/{handler,traces,logs}.lua). Access: read the caller's
/// trace context (<c>propagation.extract</c>), continue its trace id under its span, decide sampling, clear and
/// write the headers the upstream gets, naming the first balancer try's span as parent. Header filter: the trace id
/// in <c>http_response_header_for_traceid</c>. After the response (<see cref="Export"/>, no log record is built): a
/// sampled request's spans to the row's queue, exported in batches to <c>traces_endpoint</c> as OTLP/HTTP protobuf. With tracing_instrumentations off the plugin only
/// propagates (Kong's propagation-only root: nothing is exported). <c>logs_endpoint</c> gets the node's log records
/// through <see cref="OtlpLogRelay"/>.
/// </summary>
public sealed partial class OpenTelemetryPlugin : GatewayPlugin<OpenTelemetryConfig>, ITracingPlugin
{
    /// <summary>The trace id of a request propagated without a trace (instrumentations off), for the response header.</summary>
    private const string PropagatedTraceId = "opentelemetry.trace_id";

    private readonly PluginServices _services;
    private readonly RowQueues<OpenTelemetryConfig> _traces;
    private readonly RowQueues<OpenTelemetryConfig> _logs;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<OpenTelemetryConfig, Resource> _resources = [];
    private ILogger? _logger;

    /// <summary>Makes the plugin; <paramref name="services"/> gives its logger and the node's id.</summary>
    public OpenTelemetryPlugin(PluginServices services)
    {
        _services = services;
        _traces = new RowQueues<OpenTelemetryConfig>(c => c.InstanceId + ":traces", c => c.Queue, SendTracesAsync, Warn);
        _logs = new RowQueues<OpenTelemetryConfig>(c => c.InstanceId + ":logs", c => c.Queue, SendLogsAsync, Warn);
    }

    /// <summary>The logger category of the plugin's own warnings, which <see cref="OtlpLogRelay"/> does not export (a failing export would feed itself).</summary>
    public const string LoggerName = "opentelemetry";

    /// <inheritdoc />
    public override PluginSchema Schema => OpenTelemetrySchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, OpenTelemetryConfig config)
    {
        var headers = context.Http.Request.Headers;
        var found = TracePropagation.Extract(headers, config.Compiled.Extract);
        var extracted = found?.Context;
        var callerSpan = extracted is null ? 0 : extracted.SpanId != 0 ? extracted.SpanId : extracted.ParentId;
        TraceContext injected;
        if (context.Trace is not { } trace)
        {
            var traceId = extracted is not null && extracted.TraceId != UInt128.Zero ? extracted.TraceId : RequestTrace.NewTraceId();
            context.Shared[PropagatedTraceId] = traceId;
            injected = TraceContext.Continue(extracted, traceId, RequestTrace.NewSpanId(), callerSpan, sampled: false, extracted?.TraceIdIs64Bit ?? false);
        }
        else
        {
            if (extracted is not null && extracted.TraceId != UInt128.Zero)
            {
                trace.TraceId = extracted.TraceId;
            }

            trace.Root.ParentId = callerSpan;
            trace.TraceState = extracted?.TraceState;
            var sampled = trace.Decide(extracted?.Sampled, config.SamplingRate);

            // The upstream's spans hang under the first try's span when tries are traced, else under the root.
            injected = (trace.Instrumentations & TracingInstrumentations.Balancer) != 0
                ? TraceContext.Continue(extracted, trace.TraceId, trace.BalancerSpanId, trace.Root.SpanId, sampled, extracted?.TraceIdIs64Bit ?? false)
                : TraceContext.Continue(extracted, trace.TraceId, trace.Root.SpanId, callerSpan, sampled, extracted?.TraceIdIs64Bit ?? false);
        }

        TracePropagation.ClearAndInject(headers, config.Compiled, found?.Format, injected);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, OpenTelemetryConfig config)
    {
        if (config.HttpResponseHeaderForTraceid is not { } header)
        {
            return;
        }

        var traceId = context.Trace?.TraceId ?? (context.Shared.TryGetValue(PropagatedTraceId, out var id) ? (UInt128?)id : null);
        if (traceId is { } value)
        {
            context.Http.Response.Headers.Append(header, value.ToString("x32", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A sampled request's spans to the row's queue, as one OTLP export request (batches are their concatenation).</summary>
    public void Export(RequestTrace trace, object config)
    {
        var otel = (OpenTelemetryConfig)config;
        if (otel.TracesEndpoint is null || trace.Sampled != true)
        {
            return;
        }

        _traces.For(otel).Enqueue(OtlpSpans.Encode(trace, ResourceOf(otel)));
    }

    /// <inheritdoc />
    public bool WantsRequestLogs(object config) => ((OpenTelemetryConfig)config).LogsEndpoint is not null;

    /// <summary>Queues one of the node's log records for the row's <c>logs_endpoint</c>.</summary>
    public void ExportLog(OpenTelemetryConfig config, byte[] record) => _logs.For(config).Enqueue(record);

    /// <inheritdoc />
    protected override OpenTelemetryConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance);
        var queue = compiled.Queue;

        // Kong's Queue.get_plugin_params: the legacy settings win when set to a non-default value.
        if (compiled.BatchSpanCount is { } count && count != 200)
        {
            queue = queue with { MaxBatchSize = count };
            Warn("batch_span_count is deprecated, please use queue.max_batch_size instead");
        }

        if (compiled.BatchFlushDelay is { } delay && delay != 3)
        {
            queue = queue with { MaxCoalescingDelay = delay };
            Warn("batch_flush_delay is deprecated, please use queue.max_coalescing_delay instead");
        }

        var propagation = compiled.Propagation;
        return compiled with
        {
            InstanceId = instance.Id,
            Queue = queue,
            Compiled = TracePropagation.Compile(propagation.Extract ?? [], propagation.Clear ?? [], propagation.Inject ?? [], propagation.DefaultFormat, compiled.HeaderType),
        };
    }

    private Task SendTracesAsync(OpenTelemetryConfig config, IReadOnlyList<byte[]> batch, CancellationToken token) =>
        OtlpExporter.ExportAsync(config.TracesEndpoint!, batch, config, token);

    private Task SendLogsAsync(OpenTelemetryConfig config, IReadOnlyList<byte[]> batch, CancellationToken token)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "kong-internal", Version = "0.1.0" } };
        foreach (var entry in batch)
        {
            scope.LogRecords.Add(LogRecord.Parser.ParseFrom(entry));
        }

        var request = new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = ResourceOf(config), ScopeLogs = { scope } } } };
        return OtlpExporter.ExportAsync(config.LogsEndpoint!, [request.ToByteArray()], config, token);
    }

    /// <summary>Kong's resource: service.name kong, service.version, service.instance.id (the node id), then the configured attributes over them; made once per config.</summary>
    private Resource ResourceOf(OpenTelemetryConfig config) => _resources.GetValue(config, NewResource);

    private Resource NewResource(OpenTelemetryConfig config)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["service.name"] = "kong",
            ["service.version"] = NodeIdentity.KongVersion,
        };
        if (_services.Find<NodeIdentity>() is { } identity)
        {
            attributes["service.instance.id"] = identity.NodeId;
        }

        foreach (var (key, value) in config.ResourceAttributes ?? [])
        {
            attributes[key] = value;
        }

        var resource = new Resource();
        foreach (var (key, value) in attributes)
        {
            resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }

        return resource;
    }

    private void Warn(string message)
    {
        _logger ??= _services.Find<ILoggerFactory>()?.CreateLogger(LoggerName);
        if (_logger is not null)
        {
            LogProblem(_logger, message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "opentelemetry: {Message}")]
    private static partial void LogProblem(ILogger logger, string message);
}
