namespace Gateway.Plugins.Sdk;

/// <summary>
/// Kong's request phases a plugin can take part in (kong/runloop/plugins_iterator.lua). A plugin takes
/// part in a phase by overriding that phase's method on <see cref="GatewayPlugin{TConfig}"/>; the engine
/// reads which ones it overrides once, so a phase nobody uses costs nothing.
/// </summary>
[Flags]
public enum PluginPhases
{
    /// <summary>No phase.</summary>
    None = 0,

    /// <summary>Before routing; only global plugins run here, as in Kong.</summary>
    Rewrite = 1,

    /// <summary>After routing, before the upstream is called; may answer the request itself.</summary>
    Access = 2,

    /// <summary>When the response headers are about to go out (upstream's or a plugin's own answer).</summary>
    HeaderFilter = 4,

    /// <summary>On the whole response body; asking for it makes the engine buffer the body.</summary>
    BodyFilter = 8,

    /// <summary>After the response was sent, off the request's path.</summary>
    Log = 16,

    /// <summary>Kong's stream <c>preread</c>: a stream connection matched a route; may refuse it.</summary>
    Preread = 32,

    /// <summary>Kong's stream <c>log</c>: a stream session ended, off its path.</summary>
    StreamLog = 64,
}
