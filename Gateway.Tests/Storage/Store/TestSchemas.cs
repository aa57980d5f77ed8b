using Gateway.Schema;

namespace Gateway.Tests.Storage.Store;

/// <summary>
/// Small schemas for the store contract tests, built with the schema engine but independent of the
/// real entity definitions: a parent with a unique name (services), a restricting child (routes), a
/// cascade chain (upstreams, targets, target_labels), and a schema with a cache key (plugins).
/// </summary>
public static class TestSchemas
{
    /// <summary>Every test schema, parents before children.</summary>
    public static SchemaRegistry Registry { get; } = new(
        [
            new EntitySchema("services", [Typedefs.Id(), Typedefs.CreatedAt(), new Field("name", FieldType.String) { Unique = true }, Typedefs.String("host"), Typedefs.Tags()])
            {
                EndpointKey = "name",
            },
            new EntitySchema("routes", [Typedefs.Id(), new Field("name", FieldType.String) { Unique = true }, Typedefs.Foreign("service", "services"), Typedefs.Tags()])
            {
                EndpointKey = "name",
            },
            new EntitySchema("consumers", [Typedefs.Id(), new Field("username", FieldType.String) { Unique = true }, new Field("custom_id", FieldType.String) { Unique = true }, Typedefs.Tags()])
            {
                EndpointKey = "username",
            },
            new EntitySchema(
                "plugins",
                [
                    Typedefs.Id(),
                    new Field("name", FieldType.String) { Required = true },
                    Typedefs.Foreign("route", "routes", OnDelete.Cascade),
                    Typedefs.Foreign("service", "services", OnDelete.Cascade),
                    Typedefs.Foreign("consumer", "consumers", OnDelete.Cascade),
                    Typedefs.Record("config"),
                    Typedefs.Tags(),
                ])
            {
                CacheKey = ["name", "route", "service", "consumer"],
            },
            new EntitySchema("upstreams", [Typedefs.Id(), new Field("name", FieldType.String) { Unique = true }, Typedefs.Tags()])
            {
                EndpointKey = "name",
            },
            new EntitySchema("targets", [Typedefs.Id(), Typedefs.Foreign("upstream", "upstreams", OnDelete.Cascade, required: true), Typedefs.String("target"), Typedefs.Tags()])
            {
                EndpointKey = "target",
            },
            new EntitySchema("target_labels", [Typedefs.Id(), Typedefs.Foreign("target", "targets", OnDelete.Cascade, required: true), Typedefs.String("label")]),
        ],
        []);
}
