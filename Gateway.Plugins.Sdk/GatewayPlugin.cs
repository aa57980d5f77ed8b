using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Plugins.Sdk;

/// <summary>
/// The base class of every plugin, bundled or custom: a schema, a config record and the phases it
/// overrides (Kong's handler.lua: PRIORITY plus phase functions). Phases not overridden are not run.
/// </summary>
/// <typeparam name="TConfig">The config record; by default read from the validated config with snake_case names.</typeparam>
public abstract class GatewayPlugin<TConfig> : IGatewayPlugin
    where TConfig : class
{
    /// <summary>How configs are read into records: Kong's snake_case field names, numbers read from any JSON number.</summary>
    public static readonly JsonSerializerOptions ConfigJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    private PluginPhases? _phases;

    /// <inheritdoc />
    public string Name => Schema.Name;

    /// <inheritdoc />
    public int Priority => Schema.Priority;

    /// <inheritdoc />
    public abstract PluginSchema Schema { get; }

    /// <inheritdoc />
    /// <remarks>None by default; override to own entities.</remarks>
    public virtual IReadOnlyList<EntitySchema> Entities => [];

    /// <inheritdoc />
    /// <remarks>None by default; override to serve Admin API paths.</remarks>
    public virtual IReadOnlyList<PluginAdminRoute> AdminRoutes => [];

    /// <inheritdoc />
    public PluginPhases Phases => _phases ??= FindPhases();

    /// <summary>Reads the config record; override to precompute (compile regexes, parse CIDRs) once per config version.</summary>
    protected virtual TConfig CreateConfig(JsonObject config, PluginInstance instance) =>
        config.Deserialize<TConfig>(ConfigJson) ?? throw new JsonException($"plugin '{Name}': config is null");

    /// <summary>Kong's <c>rewrite</c>: before routing, global plugins only.</summary>
    public virtual ValueTask RewriteAsync(PluginContext context, TConfig config) => ValueTask.CompletedTask;

    /// <summary>Kong's <c>access</c>: after routing; answer with <see cref="PluginContext.Exit(int, JsonNode?, IEnumerable{KeyValuePair{string, string}}?)"/> to stop the request.</summary>
    public virtual ValueTask AccessAsync(PluginContext context, TConfig config) => ValueTask.CompletedTask;

    /// <summary>Kong's <c>header_filter</c>: change <c>context.Http.Response</c> status and headers before they go out.</summary>
    public virtual void HeaderFilter(PluginContext context, TConfig config)
    {
    }

    /// <summary>Kong's <c>body_filter</c> on the whole body (buffered for this request); return the body to send.</summary>
    public virtual ReadOnlyMemory<byte> BodyFilter(PluginContext context, TConfig config, ReadOnlyMemory<byte> body) => body;

    /// <summary>
    /// Whether <see cref="BodyFilter"/> applies with this config; the engine buffers a response only when
    /// it does. Decide from the config alone (it is asked when plugins are collected, before the response).
    /// </summary>
    public virtual bool NeedsBody(TConfig config) => true;

    /// <summary>Kong's <c>log</c>: runs on the thread pool after the response was sent; hand work to a queue, do not block.</summary>
    public virtual void Log(PluginLog log, TConfig config)
    {
    }

    /// <summary>
    /// Kong's stream <c>preread</c>: a TCP, TLS or UDP connection matched a stream route this plugin is configured on;
    /// refuse it with <see cref="StreamContext.Exit"/>. Runs on the connection's path: never block.
    /// </summary>
    public virtual ValueTask PrereadAsync(StreamContext context, TConfig config) => ValueTask.CompletedTask;

    /// <summary>Kong's stream <c>log</c>: a stream session ended; runs on the thread pool, hand work to a queue.</summary>
    public virtual void LogStream(StreamSessionLog log, TConfig config)
    {
    }

    object IGatewayPlugin.CompileConfig(JsonObject config, PluginInstance instance) => CreateConfig(config, instance);

    ValueTask IGatewayPlugin.RewriteAsync(PluginContext context, object config) => RewriteAsync(context, (TConfig)config);

    ValueTask IGatewayPlugin.AccessAsync(PluginContext context, object config) => AccessAsync(context, (TConfig)config);

    void IGatewayPlugin.HeaderFilter(PluginContext context, object config) => HeaderFilter(context, (TConfig)config);

    bool IGatewayPlugin.NeedsBody(object config) => NeedsBody((TConfig)config);

    ReadOnlyMemory<byte> IGatewayPlugin.BodyFilter(PluginContext context, object config, ReadOnlyMemory<byte> body) => BodyFilter(context, (TConfig)config, body);

    void IGatewayPlugin.Log(PluginLog log, object config) => Log(log, (TConfig)config);

    ValueTask IGatewayPlugin.PrereadAsync(StreamContext context, object config) => PrereadAsync(context, (TConfig)config);

    void IGatewayPlugin.LogStream(StreamSessionLog log, object config) => LogStream(log, (TConfig)config);

    /// <summary>Which phase methods the concrete class overrides (Kong checks <c>handler[phase]</c> the same way).</summary>
    private PluginPhases FindPhases()
    {
        var phases = PluginPhases.None;
        var type = GetType();
        foreach (var (name, phase) in (ReadOnlySpan<(string, PluginPhases)>)[
            (nameof(RewriteAsync), PluginPhases.Rewrite),
            (nameof(AccessAsync), PluginPhases.Access),
            (nameof(HeaderFilter), PluginPhases.HeaderFilter),
            (nameof(BodyFilter), PluginPhases.BodyFilter),
            (nameof(Log), PluginPhases.Log),
            (nameof(PrereadAsync), PluginPhases.Preread),
            (nameof(LogStream), PluginPhases.StreamLog)])
        {
            var method = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .First(m => m.Name == name && m.GetBaseDefinition().DeclaringType == typeof(GatewayPlugin<TConfig>) && m.GetParameters().Length > 1);
            if (method.DeclaringType != typeof(GatewayPlugin<TConfig>))
            {
                phases |= phase;
            }
        }

        return phases;
    }
}
