using Gateway.Schema;

namespace Gateway.Storage.Entities.Rbac;

/// <summary>The <c>rbac_roles</c> entity: a named set of endpoint and entity permissions (Kong Enterprise's fields).</summary>
public static class RbacRoles
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("rbac_roles",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        new Field("name", FieldType.String) { Required = true, Unique = true, Description = "The role's name." },
        new Field("comment", FieldType.String),
        Typedefs.Boolean("is_default", false),
    ])
    {
        EndpointKey = "name",
        AdminPath = "rbac/roles",
        TopLevel = false,
        DbExport = false,
    };
}
