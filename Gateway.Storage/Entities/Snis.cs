using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The <c>snis</c> entity (kong/db/schema/entities/snis.lua). Its certificate reference has no
/// <c>on_delete</c> in Kong, so deleting a certificate that SNIs still use is refused.
/// </summary>
public static class Snis
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("snis",
    [
        Typedefs.Id(),
        Typedefs.WildcardHost("name") with { Required = true, Unique = true, Description = "The SNI name to associate with the given certificate." },
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        Typedefs.Tags(),
        Typedefs.Foreign("certificate", "certificates", OnDelete.Restrict, required: true) with
        {
            Description = "The id (a UUID) of the certificate with which to associate the SNI hostname.",
        },
    ])
    {
        EndpointKey = "name",
    };
}
