using Gateway.Schema;

namespace Gateway.Storage.Entities.Rbac;

/// <summary>
/// The <c>rbac_role_endpoints</c> entity: a role's permission on an Admin API path (Kong's key is role,
/// workspace and endpoint; ours adds an id). <c>actions</c> is Kong's bit field: read 1, create 2, update 4, delete 8.
/// </summary>
public static class RbacRoleEndpoints
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("rbac_role_endpoints",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        Typedefs.Foreign("role", "rbac_roles", OnDelete.Cascade, required: true),
        Typedefs.String("workspace", "default") with { Required = true },
        new Field("endpoint", FieldType.String) { Required = true },
        Typedefs.Integer("actions", null, 0, 15) with { Required = true },
        Typedefs.Boolean("negative", false),
        new Field("comment", FieldType.String),
    ])
    {
        CacheKey = ["role", "workspace", "endpoint"],
        AdminPath = "rbac/role_endpoints",
        TopLevel = false,
        DbExport = false,
    };
}
