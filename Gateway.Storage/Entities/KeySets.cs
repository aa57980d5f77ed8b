using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>The <c>key_sets</c> entity (kong/db/schema/entities/key_sets.lua): a named group of keys, served at /key-sets.</summary>
public static class KeySets
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("key_sets",
    [
        Typedefs.Id(),
        new Field("name", FieldType.String) { Unique = true, Description = "The name to associate with the given key-set." },
        Typedefs.Tags(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
    ])
    {
        EndpointKey = "name",
        AdminPath = "key-sets",
    };
}
