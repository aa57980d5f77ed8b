using Gateway.Schema;

namespace Gateway.Storage.Entities.Rbac;

/// <summary>
/// The <c>rbac_role_entities</c> entity: a role's permission on one entity by id, or on every entity
/// (<c>entity_id</c> <c>*</c>, <c>entity_type</c> <c>wildcard</c>). Kong's key is role and entity id; ours adds an id.
/// </summary>
public static class RbacRoleEntities
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("rbac_role_entities",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        Typedefs.Foreign("role", "rbac_roles", OnDelete.Cascade, required: true),
        new Field("entity_id", FieldType.String) { Required = true },
        new Field("entity_type", FieldType.String) { Required = true },
        Typedefs.Integer("actions", null, 0, 15) with { Required = true },
        Typedefs.Boolean("negative", false),
        new Field("comment", FieldType.String),
    ])
    {
        CacheKey = ["role", "entity_id"],
        AdminPath = "rbac/role_entities",
        TopLevel = false,
        DbExport = false,
    };
}
