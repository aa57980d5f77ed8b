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

    /// <summary>
    /// Checks on the whole plugin row (Kong's top-level <c>entity_checks</c> in a plugin's schema.lua, such as
    /// proxy-cache's <c>custom_entity_check</c>): run once its fields are valid, their errors under <c>@entity</c>.
    /// </summary>
    public IReadOnlyList<EntityCheck> Checks { get; init; } = [];
}
