namespace Gateway.Schema;

/// <summary>
/// A plugin's schema, as Kong's kong/plugins/&lt;name&gt;/schema.lua: the <c>config</c> record and which
/// scopes and protocols the plugin accepts.
/// </summary>
public sealed record PluginSchema(string Name, int Priority, Field Config)
{
    /// <summary>The plugin entity's <c>protocols</c> when a write leaves it out.</summary>
    public IReadOnlyList<string> Protocols { get; init; } = Typedefs.HttpProtocols;

    /// <summary>
    /// The protocols a plugin entity may name: Kong's <c>typedefs.protocols_http</c> (the HTTP ones, the default) or,
    /// for a plugin declaring <c>typedefs.protocols</c>, every protocol.
    /// </summary>
    public IReadOnlyList<string> AllowedProtocols { get; init; } = Typedefs.HttpProtocols;

    /// <summary>The plugin cannot be scoped to a consumer (Kong's <c>typedefs.no_consumer</c>).</summary>
    public bool NoConsumer { get; init; }

    /// <summary>The plugin cannot be scoped to a route.</summary>
    public bool NoRoute { get; init; }

    /// <summary>The plugin cannot be scoped to a service.</summary>
    public bool NoService { get; init; }

    /// <summary>
    /// The plugin's own fields, as its schema.lua declares them and <c>/schemas/plugins/{name}</c> serves them: the
    /// scopes it forbids, <c>protocols</c>, then <c>config</c>. They take the place of the plugins entity's.
    /// </summary>
    public IReadOnlyList<Field> Fields =>
    [
        .. NoConsumer ? [NoScope("consumer", "consumers", "Custom type for representing a foreign key with a null value allowed.")] : Array.Empty<Field>(),
        .. NoRoute ? [NoScope("route", "routes", "A reference to the 'routes' table with a null value allowed.")] : Array.Empty<Field>(),
        .. NoService ? [NoScope("service", "services", "A reference to the 'services' table with a null value allowed.")] : Array.Empty<Field>(),
        ProtocolsField(),
        Config with { Name = "config", Required = true },
    ];

    /// <summary>
    /// The <c>protocols</c> set: required, defaulting to <see cref="Protocols"/>, elements one of
    /// <see cref="AllowedProtocols"/>; a write must name at least one.
    /// </summary>
    public Field ProtocolsField()
    {
        var http = AllowedProtocols.SequenceEqual(Typedefs.HttpProtocols);
        return new Field("protocols", FieldType.Set)
        {
            Required = true,
            Default = Typedefs.Strings([.. Protocols]),
            Elements = new Field("protocol", FieldType.String)
            {
                OneOf = AllowedProtocols,
                Description = http ? null : "A string representing a protocol, such as HTTP or HTTPS.",
            },
            WriteCheck = v => v is System.Text.Json.Nodes.JsonArray { Count: 0 } ? "length must be at least 1" : null,
            Description = http ? "A set of strings representing HTTP protocols." : "A set of strings representing protocols.",
        };
    }

    private static Field NoScope(string name, string reference, string description) =>
        Typedefs.Foreign(name, reference) with { MustBeNull = true, Description = description };

    /// <summary>
    /// Checks on the whole plugin row (Kong's top-level <c>entity_checks</c> in a plugin's schema.lua, such as
    /// proxy-cache's <c>custom_entity_check</c>): run once its fields are valid, their errors under <c>@entity</c>.
    /// </summary>
    public IReadOnlyList<EntityCheck> Checks { get; init; } = [];
}
