namespace Gateway.Schema;

/// <summary>
/// A plugin's schema, as Kong's kong/plugins/&lt;name&gt;/schema.lua: the <c>config</c> record and which
/// scopes and protocols the plugin accepts.
/// </summary>
public sealed record PluginSchema(string Name, int Priority, Field Config)
{
    /// <summary>The protocols the plugin may run on; the plugin entity's <c>protocols</c> defaults to these.</summary>
    public IReadOnlyList<string> Protocols { get; init; } = Typedefs.HttpProtocols;

    /// <summary>The plugin cannot be scoped to a consumer (Kong's <c>typedefs.no_consumer</c>).</summary>
    public bool NoConsumer { get; init; }

    /// <summary>The plugin cannot be scoped to a route.</summary>
    public bool NoRoute { get; init; }

    /// <summary>The plugin cannot be scoped to a service.</summary>
    public bool NoService { get; init; }
}
