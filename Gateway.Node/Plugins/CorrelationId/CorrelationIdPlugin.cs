using System.Globalization;
using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Microsoft.AspNetCore.Connections.Features;

namespace Gateway.Node.Plugins.CorrelationId;

/// <summary>
/// Kong's correlation-id (kong/plugins/correlation-id/handler.lua): gives every request an id in
/// <c>header_name</c> (kept when the client sent one), sends it upstream, adds it to the log record,
/// and echoes it to the client when <c>echo_downstream</c> is set.
/// </summary>
public sealed class CorrelationIdPlugin : GatewayPlugin<CorrelationIdConfig>
{
    private const string StateKey = "correlation-id";

    /// <summary>Kong's per-worker uuid: one per node here, as a node is one worker.</summary>
    private static readonly string NodeUuid = Guid.NewGuid().ToString();

    private static long _counter;

    private static long _connections;

    /// <inheritdoc />
    public override PluginSchema Schema => CorrelationIdSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, CorrelationIdConfig config)
    {
        // kong.request.get_header: the first value, and a header sent empty still counts as sent.
        var headers = context.Http.Request.Headers;
        var sent = headers[config.HeaderName];
        var id = sent.Count > 0 ? sent[0] ?? "" : null;
        if (id is null)
        {
            id = Generate(config.Generator, context);
            headers[config.HeaderName] = id;
        }

        context.LogValues["correlation_id"] = id;
        if (config.EchoDownstream)
        {
            context.Shared[StateKey] = id;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, CorrelationIdConfig config)
    {
        if (!config.EchoDownstream)
        {
            return;
        }

        // A request answered before access ran (no route) still gets an id, as Kong does.
        var sent = context.Http.Request.Headers[config.HeaderName];
        var id = context.Shared.TryGetValue(StateKey, out var value) && value is string saved ? saved
            : sent.Count > 0 ? sent[0] ?? ""
            : Generate(config.Generator, context);

        context.Http.Response.Headers[config.HeaderName] = id;
    }

    private static string Generate(string generator, PluginContext context) => generator switch
    {
        "uuid" => Guid.NewGuid().ToString(),
        "tracker" => Tracker(context),
        _ => NodeUuid + "#" + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Kong's tracker, "%s-%s-%d-%s-%s-%0.3f": server address, server port, process id, the
    /// connection's serial number, the number of requests made on that connection so far (this one
    /// included), and the time in seconds with milliseconds. The two connection numbers are kept with
    /// the connection, as nginx's $connection and $connection_requests; they count the requests that
    /// asked for a tracker id, as the only ones that need them.
    /// </summary>
    private static string Tracker(PluginContext context)
    {
        var http = context.Http;
        var items = http.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items?.TryGetValue(typeof(TrackerConnection), out var saved) != true || saved is not TrackerConnection connection)
        {
            connection = new TrackerConnection(Interlocked.Increment(ref _connections));
            if (items is not null)
            {
                items[typeof(TrackerConnection)] = connection;
            }
        }

        var requests = Interlocked.Increment(ref connection.Requests);
        var address = http.Connection.LocalIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : http.Connection.LocalIpAddress;
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        return string.Create(CultureInfo.InvariantCulture, $"{address}-{http.Connection.LocalPort}-{Environment.ProcessId}-{connection.Serial}-{requests}-{seconds:F3}");
    }

    /// <summary>A connection's serial number and request count, kept in its items.</summary>
    private sealed class TrackerConnection(long serial)
    {
        public long Requests;

        public long Serial { get; } = serial;
    }
}
