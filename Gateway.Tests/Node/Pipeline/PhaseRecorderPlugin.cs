using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Pipeline;

/// <summary>
/// Test plugins that record every phase they run in, per request (the X-Test-Id header), so tests can
/// check Kong's phase order. Config: <c>exit</c> (answer with that status in access), <c>throw</c>
/// (fail in access).
/// </summary>
public abstract class PhaseRecorderPlugin(string name, int priority) : GatewayPlugin<PhaseRecorderPlugin.Config>
{
    /// <summary>What ran, by test id: "plugin:phase" entries in order.</summary>
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Runs = new();

    /// <summary>The log records, by test id.</summary>
    public static readonly ConcurrentDictionary<string, PluginLog> Logs = new();

    /// <inheritdoc />
    public override PluginSchema Schema { get; } = new(name, priority, new Field("config", FieldType.Record)
    {
        Required = true,
        Fields = [new Field("exit", FieldType.Integer), Typedefs.Boolean("throw", false)],
    });

    /// <inheritdoc />
    public override ValueTask RewriteAsync(PluginContext context, Config config)
    {
        Record(context, "rewrite");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, Config config)
    {
        Record(context, "access");
        context.Http.Response.Headers.Append("X-Set-In-Access", Name);
        if (config.Throw)
        {
            throw new InvalidOperationException("recorder asked to fail");
        }

        if (config.Exit is { } status)
        {
            context.Exit(status, new JsonObject { ["by"] = Name });
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, Config config) => Record(context, "header_filter");

    /// <inheritdoc />
    public override ReadOnlyMemory<byte> BodyFilter(PluginContext context, Config config, ReadOnlyMemory<byte> body)
    {
        Record(context, "body_filter");
        return body;
    }

    /// <inheritdoc />
    public override void Log(PluginLog log, Config config)
    {
        if (log.RequestHeaders.TryGetValue("x-test-id", out var values))
        {
            var id = values.ToString();
            Runs.GetOrAdd(id, _ => new()).Enqueue($"{Name}:log");
            Logs[id + ":" + Name] = log;
        }
    }

    private void Record(PluginContext context, string phase)
    {
        var id = context.Http.Request.Headers["X-Test-Id"].ToString();
        if (id.Length > 0)
        {
            Runs.GetOrAdd(id, _ => new()).Enqueue($"{Name}:{phase}");
        }
    }

    /// <summary>The recorder's settings.</summary>
    public sealed record Config(int? Exit, bool Throw);
}

/// <summary>A recorder that runs early (priority 3000).</summary>
public sealed class HighRecorderPlugin() : PhaseRecorderPlugin("test-recorder-high", 3000);

/// <summary>A recorder that runs late (priority 5).</summary>
public sealed class LowRecorderPlugin() : PhaseRecorderPlugin("test-recorder-low", 5);
