using System.Globalization;
using Gateway.Node.Observability.Tracing;
using Gateway.Node.Pipeline;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using Serilog.Core;
using Serilog.Events;

namespace Gateway.Node.Plugins.OpenTelemetry;

/// <summary>
/// The node's log records as OTLP logs, for every enabled opentelemetry row with a <c>logs_endpoint</c>
/// (Kong's opentelemetry logs.lua). A record written while a traced request runs carries the request's trace and
/// span ids (<see cref="TraceLogEnricher"/>). A Serilog sink: with no such row an event costs one comparison.
/// The plugin's own warnings are not relayed (a failing export would feed itself).
/// </summary>
public sealed class OtlpLogRelay : ILogEventSink
{
    private Func<PluginChains>? _chains;
    private OpenTelemetryPlugin? _plugin;
    private Targets _targets = new(PluginChains.Empty, []);

    /// <summary>Starts relaying: <paramref name="chains"/> gives the current snapshot's plugins.</summary>
    public void Attach(Func<PluginChains> chains, OpenTelemetryPlugin? plugin)
    {
        _plugin = plugin;
        Volatile.Write(ref _chains, chains);
    }

    /// <inheritdoc />
    public void Emit(LogEvent logEvent)
    {
        if (Volatile.Read(ref _chains) is not { } chains || _plugin is not { } plugin)
        {
            return;
        }

        var targets = TargetsOf(chains());
        if (targets.Length == 0 || IsOwn(logEvent))
        {
            return;
        }

        var record = ToOtlp(logEvent).ToByteArray();
        foreach (var target in targets)
        {
            plugin.ExportLog(target, record);
        }
    }

    /// <summary>The rows to relay to, found again only when the snapshot's plugins changed.</summary>
    private OpenTelemetryConfig[] TargetsOf(PluginChains chains)
    {
        var current = _targets;
        if (ReferenceEquals(current.Chains, chains))
        {
            return current.Configs;
        }

        var configs = chains.Configured
            .Where(c => c.Plugin is OpenTelemetryPlugin)
            .Select(c => (OpenTelemetryConfig)c.Config)
            .Where(c => c.LogsEndpoint is not null)
            .ToArray();
        _targets = new Targets(chains, configs);
        return configs;
    }

    private static bool IsOwn(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var source)
        && source is ScalarValue { Value: OpenTelemetryPlugin.LoggerName };

    private static LogRecord ToOtlp(LogEvent logEvent)
    {
        var at = (ulong)((logEvent.Timestamp.UtcTicks - DateTime.UnixEpoch.Ticks) * 100);
        var record = new LogRecord
        {
            TimeUnixNano = at,
            ObservedTimeUnixNano = at,
            SeverityNumber = Severity(logEvent.Level),
            SeverityText = logEvent.Level.ToString().ToUpperInvariant(),
            Body = new AnyValue { StringValue = logEvent.RenderMessage() },
        };
        foreach (var (name, value) in logEvent.Properties)
        {
            switch (name)
            {
                case TraceLogEnricher.TraceIdProperty when value is ScalarValue { Value: string hex } && UInt128.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var traceId):
                    record.TraceId = OtlpSpans.Id(traceId);
                    break;
                case TraceLogEnricher.SpanIdProperty when value is ScalarValue { Value: string hex } && ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var spanId):
                    record.SpanId = OtlpSpans.Id(spanId);
                    break;
                case TraceLogEnricher.SampledProperty:
                    record.Flags = value is ScalarValue { Value: true } ? 1u : 0u;
                    break;
                default:
                    record.Attributes.Add(new KeyValue { Key = name, Value = new AnyValue { StringValue = value is ScalarValue { Value: string s } ? s : value.ToString() } });
                    break;
            }
        }

        if (logEvent.Exception is { } exception)
        {
            record.Attributes.Add(new KeyValue { Key = "exception.type", Value = new AnyValue { StringValue = exception.GetType().FullName } });
            record.Attributes.Add(new KeyValue { Key = "exception.message", Value = new AnyValue { StringValue = exception.Message } });
        }

        return record;
    }

    private static SeverityNumber Severity(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => SeverityNumber.Trace,
        LogEventLevel.Debug => SeverityNumber.Debug,
        LogEventLevel.Information => SeverityNumber.Info,
        LogEventLevel.Warning => SeverityNumber.Warn,
        LogEventLevel.Error => SeverityNumber.Error,
        _ => SeverityNumber.Fatal,
    };

    private sealed record Targets(PluginChains Chains, OpenTelemetryConfig[] Configs);
}
