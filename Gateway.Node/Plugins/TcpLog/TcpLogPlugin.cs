using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Queues;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Node.Plugins.TcpLog;

/// <summary>
/// Kong's tcp-log (kong/plugins/tcp-log/handler.lua): each request's serialized log record
/// (<see cref="PluginLog.Serialize"/>) as one JSON line to <c>host:port</c> over TCP, TLS when <c>tls</c> is set
/// (certificate not verified, <c>tls_sni</c> as the server name), on a connection kept open for <c>keepalive</c>
/// milliseconds (<see cref="TcpLogConnections"/>). The lines leave the request path through the row's queue; as
/// in Kong, a failed send is logged and not retried. <c>custom_fields_by_lua</c> is Lua and is ignored.
/// </summary>
public sealed partial class TcpLogPlugin : GatewayPlugin<TcpLogConfig>
{
    private readonly RowQueues<TcpLogConfig> _queues;
    private readonly TcpLogConnections _connections = new();
    private readonly LogPluginWarnings _warnings;

    /// <summary>Makes the plugin; <paramref name="services"/> gives its logger.</summary>
    public TcpLogPlugin(PluginServices services)
    {
        _warnings = new LogPluginWarnings(services, "tcp-log", LogLevel.Error);
        _queues = new RowQueues<TcpLogConfig>(c => c.InstanceId, _ => DirectQueue.Settings, _connections.WriteAsync, _warnings.Warn);
    }

    /// <inheritdoc />
    public override PluginSchema Schema => TcpLogSchema.Schema;

    /// <inheritdoc />
    public override void Log(PluginLog log, TcpLogConfig config) => Send(log.Serialize(), config);

    /// <inheritdoc />
    public override void LogStream(StreamSessionLog log, TcpLogConfig config) => Send(log.Serialize(), config);

    private void Send(JsonObject record, TcpLogConfig config)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(record);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        _queues.For(config).Enqueue(line);
    }

    /// <inheritdoc />
    protected override TcpLogConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance) with { InstanceId = instance.Id };
        _warnings.LuaFieldsIgnored(compiled.CustomFieldsByLua);

        return compiled;
    }
}
