using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Plugins.Queues;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Loggly;

/// <summary>
/// Kong's loggly (kong/plugins/loggly/handler.lua): each request's serialized log record
/// (<see cref="PluginLog.Serialize"/>) in an RFC 5424 syslog message over UDP to <c>host:port</c>:
/// <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME kong - - [KEY@41058 tag="..."] JSON</c>, with facility user and the severity of
/// the response's class; a request whose severity is less severe than <c>log_level</c> is not sent. Off the
/// request path; a failed send is logged and not retried. <c>custom_fields_by_lua</c> is Lua and is ignored.
/// </summary>
public sealed partial class LogglyPlugin : GatewayPlugin<LogglyConfig>
{
    private readonly RowQueues<LogglyConfig> _queues;
    private readonly PluginServices _services;
    private readonly LogPluginWarnings _warnings;

    /// <summary>Makes the plugin; <paramref name="services"/> gives its logger and the node's host name.</summary>
    public LogglyPlugin(PluginServices services)
    {
        _services = services;
        _warnings = new LogPluginWarnings(services, "loggly", LogLevel.Error);
        _queues = new RowQueues<LogglyConfig>(c => c.InstanceId, _ => DirectQueue.Settings, SendAsync, _warnings.Warn);
    }

    /// <inheritdoc />
    public override PluginSchema Schema => LogglySchema.Schema;

    /// <inheritdoc />
    public override void Log(PluginLog log, LogglyConfig config) => Send(log.Serialize(), log.Status, config);

    /// <inheritdoc />
    public override void LogStream(StreamSessionLog log, LogglyConfig config) => Send(log.Serialize(), log.Status, config);

    private void Send(JsonObject record, int status, LogglyConfig config)
    {
        var severity = status >= 500 ? config.ServerErrorsSeverity : status >= 400 ? config.ClientErrorsSeverity : config.SuccessfulSeverity;
        var level = Array.IndexOf(LogglySchema.Severities, severity);
        if (level > Array.IndexOf(LogglySchema.Severities, config.LogLevel))
        {
            return;
        }

        // Facility user (1): PRI is 8 plus the severity, as Kong sends it.
        var hostname = _services.Find<NodeIdentity>()?.Hostname ?? Environment.MachineName;
        var tags = string.Join(' ', config.Tags.Select(t => $"tag=\"{t}\""));
        var header = string.Create(CultureInfo.InvariantCulture,
            $"<{8 + level}>1 {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {hostname} kong - - [{config.Key}@41058 {tags}] ");
        _queues.For(config).Enqueue([.. Encoding.UTF8.GetBytes(header), .. JsonSerializer.SerializeToUtf8Bytes(record)]);
    }

    /// <inheritdoc />
    protected override LogglyConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance) with { InstanceId = instance.Id };
        _warnings.LuaFieldsIgnored(compiled.CustomFieldsByLua);

        return compiled;
    }

    private static Task SendAsync(LogglyConfig config, IReadOnlyList<byte[]> batch, CancellationToken token) =>
        Datagrams.SendAsync(config.Host, config.Port, batch.Select(b => (ReadOnlyMemory<byte>)b), config.Timeout, token);

}
