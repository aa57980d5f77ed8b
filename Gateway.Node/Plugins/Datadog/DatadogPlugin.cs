using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Queues;
using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Datadog;

/// <summary>
/// Kong's datadog (kong/plugins/datadog/handler.lua, statsd_logger.lua): each request's metrics as DogStatsD lines,
/// <c>PREFIX.request.count:1|c|#name:SERVICE,status:200,consumer:CONSUMER,app:kong</c> (the service's name or host
/// with dots as underscores, the consumer per the metric's identifier, then the metric's own tags), batched by the
/// row's queue (with Kong's deprecated queue fields applied) and sent one datagram a line over UDP to
/// <c>host:port</c>, or to KONG_DATADOG_AGENT_HOST / KONG_DATADOG_AGENT_PORT when they are null.
/// </summary>
public sealed partial class DatadogPlugin : GatewayPlugin<DatadogConfig>
{
    private readonly RowQueues<DatadogConfig> _queues;
    private readonly LogPluginWarnings _warnings;

    /// <summary>Makes the plugin; <paramref name="services"/> gives its logger.</summary>
    public DatadogPlugin(PluginServices services)
    {
        _warnings = new LogPluginWarnings(services, "datadog", LogLevel.Warning);
        _queues = new RowQueues<DatadogConfig>(c => c.InstanceId, c => c.Queue, SendAsync, _warnings.Warn);
    }

    /// <inheritdoc />
    public override PluginSchema Schema => DatadogSchema.Schema;

    /// <inheritdoc />
    public override void Log(PluginLog log, DatadogConfig config)
    {
        var service = log.Service is { } s ? (Text(s["name"]) ?? Text(s["host"]) ?? "").Replace('.', '_') : "";
        var status = log.Status.ToString(CultureInfo.InvariantCulture);
        var lines = new List<string>(config.Metrics.Count);
        foreach (var metric in config.Metrics)
        {
            if (Value(metric.Name, log) is not var (stat, value))
            {
                continue;
            }

            List<string> tags = [$"{config.ServiceNameTag}:{service}", $"{config.StatusTag}:{status}"];
            if (ConsumerId(log.Consumer, metric.ConsumerIdentifier) is { } consumer)
            {
                tags.Add($"{config.ConsumerTag}:{consumer}");
            }

            tags.AddRange(metric.Tags ?? []);
            var rate = metric.SampleRate is { } r && r != 1 ? "|@" + r.ToString(CultureInfo.InvariantCulture) : "";
            lines.Add($"{config.Prefix}.{stat}:{value.ToString(CultureInfo.InvariantCulture)}|{Kind(metric.StatType)}{rate}|#{string.Join(',', tags)}");
        }

        if (lines.Count > 0)
        {
            _queues.For(config).Enqueue(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        }
    }

    /// <inheritdoc />
    protected override DatadogConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance);
        return compiled with
        {
            InstanceId = instance.Id,
            Queue = LegacyQueueFields.Apply(compiled.Queue, compiled.RetryCount, compiled.QueueSize, compiled.FlushTimeout, _warnings.Warn),
        };
    }

    private static Task SendAsync(DatadogConfig config, IReadOnlyList<byte[]> batch, CancellationToken token)
    {
        var host = config.Host ?? Environment.GetEnvironmentVariable("KONG_DATADOG_AGENT_HOST");
        var port = config.Port ?? (int.TryParse(Environment.GetEnvironmentVariable("KONG_DATADOG_AGENT_PORT"), CultureInfo.InvariantCulture, out var p) ? p : null);
        if (host is null || port is null)
        {
            throw new IOException("no Datadog agent: host and port are null and KONG_DATADOG_AGENT_HOST / KONG_DATADOG_AGENT_PORT are not set");
        }

        var datagrams = batch.SelectMany(entry => Encoding.UTF8.GetString(entry).Split('\n')).Select(l => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(l));
        return Datagrams.SendAsync(host, port.Value, datagrams, 1000, token);
    }

    private static (string Stat, long Value)? Value(string metric, PluginLog log) => metric switch
    {
        "request_count" => ("request.count", 1),
        "request_size" => ("request.size", log.RequestSize),
        "response_size" => ("response.size", log.ResponseSize),
        "latency" => ("latency", log.RequestLatency),
        "upstream_latency" => ("upstream_latency", log.ProxyLatency),
        "kong_latency" => ("kong_latency", log.KongLatency),
        _ => null,
    };

    private static string Kind(string statType) => statType switch
    {
        "gauge" => "g",
        "counter" => "c",
        "timer" => "ms",
        "histogram" => "h",
        "meter" => "m",
        "set" => "s",
        _ => "d",
    };

    // As Kong: a consumer id has its dashes as underscores; no identifier, no consumer tag.
    private static string? ConsumerId(JsonObject? consumer, string? identifier) => consumer is null ? null : identifier switch
    {
        "consumer_id" => Text(consumer["id"])?.Replace('-', '_'),
        "custom_id" => Text(consumer["custom_id"]),
        "username" => Text(consumer["username"]),
        _ => null,
    };

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;


}
