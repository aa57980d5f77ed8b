using System.Diagnostics;
using System.Globalization;
using Gateway.Plugins.Sdk;
using Gateway.Storage.Schema;

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

    /// <inheritdoc />
    public override PluginSchema Schema => CorrelationIdSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, CorrelationIdConfig config)
    {
        var headers = context.Http.Request.Headers;
        var id = headers[config.HeaderName].ToString();
        if (id.Length == 0)
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
        var id = context.Shared.TryGetValue(StateKey, out var value) && value is string saved ? saved : context.Http.Request.Headers[config.HeaderName].ToString();
        if (id.Length == 0)
        {
            id = Generate(config.Generator, context);
        }

        context.Http.Response.Headers[config.HeaderName] = id;
    }

    private static string Generate(string generator, PluginContext context) => generator switch
    {
        "uuid" => Guid.NewGuid().ToString(),
        "tracker" => Tracker(context),
        _ => NodeUuid + "#" + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Kong's tracker: server address, server port, process id, connection, request count on it, time.</summary>
    private static string Tracker(PluginContext context)
    {
        var connection = context.Http.Connection;
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        return string.Create(CultureInfo.InvariantCulture, $"{connection.LocalIpAddress}-{connection.LocalPort}-{Environment.ProcessId}-{connection.Id}-{Stopwatch.GetTimestamp() % 1000}-{seconds:F3}");
    }
}
