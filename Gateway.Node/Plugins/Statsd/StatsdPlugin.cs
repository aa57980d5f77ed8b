using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Plugins.Queues;
using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Statsd;

/// <summary>
/// Kong's statsd (kong/plugins/statsd/handler.lua, log.lua): each request allowed by <c>allow_status_codes</c>
/// becomes the lines of its metrics (<see cref="StatsdLines"/>), batched by the row's queue
/// (<see cref="LogQueue"/>, with Kong's deprecated queue fields applied) and sent to <c>host:port</c>: over UDP
/// one datagram a line, or lines combined with newlines into datagrams of up to <c>udp_packet_size</c> bytes; over
/// TCP (<c>use_tcp</c>) each line followed by a newline on one connection per batch. <c>shdict_usage</c> has no
/// nginx shared dictionaries to report here and sends nothing.
/// </summary>
public sealed partial class StatsdPlugin : GatewayPlugin<StatsdConfig>
{
    private readonly RowQueues<StatsdConfig> _queues;
    private readonly PluginServices _services;
    private readonly LogPluginWarnings _warnings;

    /// <summary>Makes the plugin; <paramref name="services"/> gives its logger and the node's host name.</summary>
    public StatsdPlugin(PluginServices services)
    {
        _services = services;
        _warnings = new LogPluginWarnings(services, "statsd", LogLevel.Warning);
        _queues = new RowQueues<StatsdConfig>(c => c.InstanceId, c => c.Queue, SendAsync, _warnings.Warn);
    }

    /// <inheritdoc />
    public override PluginSchema Schema => StatsdSchema.Schema;

    /// <inheritdoc />
    public override void Log(PluginLog log, StatsdConfig config)
    {
        if (config.StatusRanges is { } ranges && !ranges.Any(r => log.Status >= r.From && log.Status <= r.To))
        {
            return;
        }

        var lines = StatsdLines.For(log, config);
        if (lines.Count > 0)
        {
            _queues.For(config).Enqueue(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        }
    }

    /// <inheritdoc />
    protected override StatsdConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance);

        // As Kong: hostname_in_prefix adds ".node.HOSTNAME" (dots as underscores), but not in tag_style mode.
        var prefix = compiled.Prefix;
        if (compiled.HostnameInPrefix && compiled.TagStyle is null)
        {
            prefix += ".node." + (_services.Find<NodeIdentity>()?.Hostname ?? Environment.MachineName).Replace('.', '_');
        }

        return compiled with
        {
            InstanceId = instance.Id,
            NamePrefix = prefix,
            StatusRanges = compiled.AllowStatusCodes?.Select(Range).ToArray(),
            Queue = LegacyQueueFields.Apply(compiled.Queue, compiled.RetryCount, compiled.QueueSize, compiled.FlushTimeout, _warnings.Warn),
        };
    }

    private static (int, int) Range(string range)
    {
        var dash = range.IndexOf('-', StringComparison.Ordinal);
        return (int.Parse(range.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(range.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task SendAsync(StatsdConfig config, IReadOnlyList<byte[]> batch, CancellationToken token)
    {
        var lines = batch.SelectMany(entry => Encoding.UTF8.GetString(entry).Split('\n')).ToList();
        if (config.UseTcp)
        {
            // Kong's statsd logger connects with a one-second timeout and writes each line and a newline.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            using var client = new TcpClient { NoDelay = true };
            try
            {
                await client.ConnectAsync(config.Host, config.Port, timeout.Token);
                await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))), timeout.Token);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                throw new IOException($"failed to send data to {config.Host}:{config.Port}: {(e is OperationCanceledException ? "timeout" : e.Message)}", e);
            }

            return;
        }

        await Datagrams.SendAsync(config.Host, config.Port, Packets(lines, (int)config.UdpPacketSize), 1000, token);
    }

    /// <summary>One datagram a line, or with a packet size lines joined by newlines while they fit (a longer line goes alone).</summary>
    internal static IEnumerable<ReadOnlyMemory<byte>> Packets(IReadOnlyList<string> lines, int packetSize)
    {
        var packet = new StringBuilder();
        foreach (var line in lines)
        {
            if (packetSize <= 0)
            {
                yield return Encoding.UTF8.GetBytes(line);
                continue;
            }

            if (packet.Length > 0 && packet.Length + 1 + line.Length > packetSize)
            {
                yield return Encoding.UTF8.GetBytes(packet.ToString());
                packet.Clear();
            }

            packet.Append(packet.Length > 0 ? "\n" : "").Append(line);
        }

        if (packet.Length > 0)
        {
            yield return Encoding.UTF8.GetBytes(packet.ToString());
        }
    }


}
