using Gateway.Schema;

namespace Gateway.Storage.Entities.Rbac;

/// <summary>
/// The Admin API's users, roles and permissions (Kong Enterprise's RBAC entities), parents before children.
/// They are config like the core entities: stored, in every node's snapshot, propagated with the change push.
/// </summary>
public static class RbacEntities
{
    /// <summary>The schemas, in the order the store creates and exports them.</summary>
    public static IReadOnlyList<EntitySchema> All { get; } =
    [
        RbacRoles.Schema,
        RbacUsers.Schema,
        RbacUserRoles.Schema,
        RbacRoleEndpoints.Schema,
        RbacRoleEntities.Schema,
    ];

    /// <summary>The entity names, for the snapshot.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(s => s.Name)];
}
