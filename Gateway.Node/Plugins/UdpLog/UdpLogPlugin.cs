using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Queues;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Node.Plugins.UdpLog;

/// <summary>
/// Kong's udp-log (kong/plugins/udp-log/handler.lua): each request's serialized log record
/// (<see cref="PluginLog.Serialize"/>) as one JSON datagram to <c>host:port</c>, sent off the request path through
/// the row's queue; as in Kong, a failed send is logged and not retried. <c>custom_fields_by_lua</c> is Lua and is ignored.
/// </summary>
public sealed partial class UdpLogPlugin : GatewayPlugin<UdpLogConfig>
{
    private readonly RowQueues<UdpLogConfig> _queues;
    private readonly LogPluginWarnings _warnings;

    /// <summary>Makes the plugin; <paramref name="services"/> gives its logger.</summary>
    public UdpLogPlugin(PluginServices services)
    {
        _warnings = new LogPluginWarnings(services, "udp-log", LogLevel.Error);
        _queues = new RowQueues<UdpLogConfig>(c => c.InstanceId, _ => DirectQueue.Settings, SendAsync, _warnings.Warn);
    }

    /// <inheritdoc />
    public override PluginSchema Schema => UdpLogSchema.Schema;

    /// <inheritdoc />
    public override void Log(PluginLog log, UdpLogConfig config) =>
        _queues.For(config).Enqueue(JsonSerializer.SerializeToUtf8Bytes(log.Serialize()));

    /// <inheritdoc />
    public override void LogStream(StreamSessionLog log, UdpLogConfig config) =>
        _queues.For(config).Enqueue(JsonSerializer.SerializeToUtf8Bytes(log.Serialize()));

    /// <inheritdoc />
    protected override UdpLogConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance) with { InstanceId = instance.Id };
        _warnings.LuaFieldsIgnored(compiled.CustomFieldsByLua);

        return compiled;
    }

    private static Task SendAsync(UdpLogConfig config, IReadOnlyList<byte[]> batch, CancellationToken token) =>
        Datagrams.SendAsync(config.Host, config.Port, batch.Select(b => (ReadOnlyMemory<byte>)b), config.Timeout, token);

}
