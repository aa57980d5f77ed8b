using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The <c>plugins</c> entity (kong/db/schema/entities/plugins.lua). The <c>config</c> record is
/// abstract: <see cref="SchemaValidator"/> swaps in the named plugin's <see cref="PluginSchema.Config"/>
/// and refuses scopes the plugin forbids (<see cref="PluginSchema.NoConsumer"/> and the like).
/// </summary>
public static class Plugins
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("plugins",
    [
        Typedefs.Id(),
        new Field("name", FieldType.String)
        {
            Required = true,
            Description = "The name of the Plugin that's going to be added.",
        },
        Typedefs.Utf8Name("instance_name") with { Description = "A unique name for the plugin instance." },
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        Typedefs.Foreign("route", "routes", OnDelete.Cascade) with
        {
            Description = "If set, the plugin will only activate when receiving requests via the specified route.",
        },
        Typedefs.Foreign("service", "services", OnDelete.Cascade) with
        {
            Description = "If set, the plugin will only activate when receiving requests via one of the routes belonging to the specified Service.",
        },
        Typedefs.Foreign("consumer", "consumers", OnDelete.Cascade) with
        {
            Description = "If set, the plugin will activate only for requests where the specified has been authenticated.",
        },
        new Field("config", FieldType.Record)
        {
            Fields = [],
            Description = "The configuration properties for the Plugin.",
        },

        // Kong's typedefs.protocols; each plugin's own protocols field (PluginSchema.ProtocolsField) takes its place
        // when the entity is validated.
        new Field("protocols", FieldType.Set)
        {
            Required = true,
            Default = Typedefs.Strings([.. Typedefs.HttpProtocols]),
            Elements = Typedefs.Protocol() with { Description = "A string representing a protocol, such as HTTP or HTTPS." },
            Description = "A set of strings representing protocols.",
        },
        Typedefs.Boolean("enabled", true) with { Required = true, Description = "Whether the plugin is applied." },
        Typedefs.Tags(),
    ])
    {
        EndpointKey = "instance_name",
        CacheKey = ["name", "route", "service", "consumer"],
        SubschemaKey = "name",
        SubschemaField = "config",
    };
}
