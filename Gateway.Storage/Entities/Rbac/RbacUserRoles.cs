using Gateway.Schema;

namespace Gateway.Storage.Entities.Rbac;

/// <summary>The <c>rbac_user_roles</c> entity: one role granted to one user (Kong's key is the pair; ours adds an id).</summary>
public static class RbacUserRoles
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("rbac_user_roles",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.Foreign("user", "rbac_users", OnDelete.Cascade, required: true),
        Typedefs.Foreign("role", "rbac_roles", OnDelete.Cascade, required: true),
        Typedefs.String("role_source", "local", "local", "idp"),
    ])
    {
        CacheKey = ["user", "role"],
        AdminPath = "rbac/user_roles",
        TopLevel = false,
        DbExport = false,
    };
}
