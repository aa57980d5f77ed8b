using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>The <c>consumers</c> entity (kong/db/schema/entities/consumers.lua).</summary>
public static class Consumers
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("consumers",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        new Field("username", FieldType.String)
        {
            Unique = true,
            Description = "The unique username of the Consumer. You must send either this field or custom_id with the request.",
        },
        new Field("custom_id", FieldType.String)
        {
            Unique = true,
            Description = "Stores the existing unique ID of the consumer. You must send either this field or username with the request.",
        },
        Typedefs.Tags(),
    ])
    {
        EndpointKey = "username",
        Checks = [Entities.Checks.AtLeastOneOf("custom_id", "username")],
    };
}
