using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Queues;
using Gateway.Node.Settings;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Syslog;

/// <summary>
/// Kong's syslog (kong/plugins/syslog/handler.lua): each request's serialized log record
/// (<see cref="PluginLog.Serialize"/>) as a syslog(3) message to the local syslog daemon, with ident "kong", the
/// configured facility and the severity of the response's class (successful, client or server errors); a request
/// whose severity is less severe than <c>log_level</c> is not logged. The message goes to the Unix datagram socket
/// of the node's <c>syslog_socket</c> setting (<c>/dev/log</c>, where syslog(3) writes), off the request path; a
/// failed send is logged and not retried. <c>custom_fields_by_lua</c> is Lua and is ignored.
/// </summary>
public sealed partial class SyslogPlugin : GatewayPlugin<SyslogConfig>
{
    private readonly RowQueues<SyslogConfig> _queues;
    private readonly int _pid = Environment.ProcessId;
    private readonly PluginServices _services;
    private readonly LogPluginWarnings _warnings;

    /// <summary>Makes the plugin; <paramref name="services"/> gives its logger and the node's syslog socket.</summary>
    public SyslogPlugin(PluginServices services)
    {
        _services = services;
        _warnings = new LogPluginWarnings(services, "syslog", LogLevel.Error);
        _queues = new RowQueues<SyslogConfig>(c => c.InstanceId, _ => DirectQueue.Settings, SendAsync, _warnings.Warn);
    }

    /// <inheritdoc />
    public override PluginSchema Schema => SyslogSchema.Schema;

    /// <inheritdoc />
    public override void Log(PluginLog log, SyslogConfig config) => Send(log.Serialize(), log.Status, config);

    /// <inheritdoc />
    public override void LogStream(StreamSessionLog log, SyslogConfig config) => Send(log.Serialize(), log.Status, config);

    private void Send(JsonObject record, int status, SyslogConfig config)
    {
        var severity = status >= 500 ? config.ServerErrorsSeverity : status >= 400 ? config.ClientErrorsSeverity : config.SuccessfulSeverity;
        var level = Array.IndexOf(SyslogSchema.Severities, severity);
        if (level > Array.IndexOf(SyslogSchema.Severities, config.LogLevel))
        {
            return;
        }

        // syslog(3)'s message: <PRI>, the local time as "Mmm dd hh:mm:ss", the ident with the process id, then the text.
        var priority = (SyslogSchema.Facilities[config.Facility] * 8) + level;
        var now = DateTime.Now;
        var header = string.Create(CultureInfo.InvariantCulture,
            $"<{priority}>{now.ToString("MMM", CultureInfo.InvariantCulture)} {now.Day,2} {now:HH:mm:ss} kong[{_pid}]: ");
        _queues.For(config).Enqueue([.. Encoding.ASCII.GetBytes(header), .. JsonSerializer.SerializeToUtf8Bytes(record)]);
    }

    /// <inheritdoc />
    protected override SyslogConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance) with { InstanceId = instance.Id };
        _warnings.LuaFieldsIgnored(compiled.CustomFieldsByLua);

        return compiled;
    }

    private async Task SendAsync(SyslogConfig config, IReadOnlyList<byte[]> batch, CancellationToken token)
    {
        var path = _services.Find<GatewaySettings>()?.SyslogSocket ?? "/dev/log";
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), token);
            foreach (var message in batch)
            {
                await socket.SendAsync(message, SocketFlags.None, token);
            }
        }
        catch (SocketException e)
        {
            throw new IOException($"failed to send to the syslog socket {path}: {e.Message}", e);
        }
    }
}
