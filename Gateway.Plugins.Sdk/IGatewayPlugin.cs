using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Plugins.Sdk;

/// <summary>
/// What the engine sees of a plugin, bundled or custom. Implement it through
/// <see cref="GatewayPlugin{TConfig}"/>, which types the config and fills in <see cref="Phases"/>.
/// One instance serves every request and every configured row of the plugin: keep no per-request
/// state in fields (use <see cref="PluginContext.Shared"/> or the compiled config).
/// The request phases run on the thread that read the request (the node runs socket continuations
/// inline, as an nginx worker does): never block in them (no synchronous I/O, no <c>.Result</c>, no
/// long-held locks); await instead, or hand slow work to the log phase, which runs on the thread pool.
/// A check slow on purpose (a password hash) goes to <see cref="Pdk.VerificationCache"/>, whose
/// <see cref="Pdk.VerificationPool"/> keeps such checks to a few threads of their own.
/// </summary>
public interface IGatewayPlugin
{
    /// <summary>The plugin's name, as plugin rows name it ("key-auth"); the schema's name.</summary>
    string Name { get; }

    /// <summary>Kong's PRIORITY: higher runs first in every phase.</summary>
    int Priority { get; }

    /// <summary>The config schema: validates plugin rows and is served at /schemas/plugins/{name}.</summary>
    PluginSchema Schema { get; }

    /// <summary>
    /// The entities the plugin owns (Kong's daos.lua): credential tables such as key-auth's
    /// keyauth_credentials. The node registers them after its core entities, so they may reference
    /// consumers; the Admin API, declarative config and the stores serve them like any entity, and
    /// the phases find their rows through <see cref="PluginContext.Consumers"/>.
    /// </summary>
    IReadOnlyList<EntitySchema> Entities { get; }

    /// <summary>
    /// The Admin API paths the plugin serves (Kong's api.lua), such as proxy-cache's purge endpoints; the node
    /// serves them while the plugin is enabled. Paths the node already serves are never reached.
    /// </summary>
    IReadOnlyList<PluginAdminRoute> AdminRoutes { get; }

    /// <summary>The phases the plugin takes part in.</summary>
    PluginPhases Phases { get; }

    /// <summary>Turns a validated config (defaults filled) into the object the phases receive; called once per config version.</summary>
    object CompileConfig(JsonObject config, PluginInstance instance);

    /// <summary>The rewrite phase (global plugins only).</summary>
    ValueTask RewriteAsync(PluginContext context, object config);

    /// <summary>The access phase.</summary>
    ValueTask AccessAsync(PluginContext context, object config);

    /// <summary>The header filter phase.</summary>
    void HeaderFilter(PluginContext context, object config);

    /// <summary>Whether the body filter needs this config's responses (buffering them); only asked of plugins with a body filter.</summary>
    bool NeedsBody(object config);

    /// <summary>The body filter phase: returns the body to send on.</summary>
    ReadOnlyMemory<byte> BodyFilter(PluginContext context, object config, ReadOnlyMemory<byte> body);

    /// <summary>The log phase.</summary>
    void Log(PluginLog log, object config);

    /// <summary>The stream preread phase (stream routes); by default nothing.</summary>
    ValueTask PrereadAsync(StreamContext context, object config) => ValueTask.CompletedTask;

    /// <summary>The stream log phase (stream sessions); by default nothing.</summary>
    void LogStream(StreamSessionLog log, object config)
    {
    }
}
