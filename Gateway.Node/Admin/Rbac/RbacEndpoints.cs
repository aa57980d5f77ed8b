using Gateway.Cluster.Propagation;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// Kong Enterprise's RBAC Admin API under <c>/rbac</c> (and <c>/default/rbac</c>, the workspace-prefixed form):
/// users, their roles and permissions, roles, and the roles' endpoint and entity permissions.
/// </summary>
public sealed class RbacEndpoints
{
    private readonly RbacUsersEndpoint _users;
    private readonly RbacUserRolesEndpoint _userRoles;
    private readonly RbacRolesEndpoint _roles;
    private readonly RbacRoleEndpointsEndpoint _roleEndpoints;
    private readonly RbacRoleEntitiesEndpoint _roleEntities;
    private readonly RbacUserPermissionsEndpoint _permissions;

    /// <summary>The paths, as <c>/endpoints</c> lists them.</summary>
    public static IReadOnlyList<string> Paths { get; } =
    [
        "/rbac/users", "/rbac/users/{rbac_users}", "/rbac/users/{rbac_users}/roles", "/rbac/users/{rbac_users}/permissions",
        "/rbac/roles", "/rbac/roles/{rbac_roles}", "/rbac/roles/{rbac_roles}/endpoints", "/rbac/roles/{rbac_roles}/endpoints/{workspace}/*",
        "/rbac/roles/{rbac_roles}/entities", "/rbac/roles/{rbac_roles}/entities/{entity_id}",
    ];

    /// <summary>The endpoints over the node's reader and the cluster's writer.</summary>
    public RbacEndpoints(SchemaRegistry registry, IConfigReader reader, ClusterConfigWriter writer, SchemaValidator validator, BodyLimits bodyLimits)
    {
        var entities = new EntityEndpoints(registry, reader, writer, validator, bodyLimits);
        var rows = new RbacRows(registry, reader, writer, entities, bodyLimits);
        _users = new RbacUsersEndpoint(rows);
        _userRoles = new RbacUserRolesEndpoint(rows);
        _roles = new RbacRolesEndpoint(rows);
        _roleEndpoints = new RbacRoleEndpointsEndpoint(rows);
        _roleEntities = new RbacRoleEntitiesEndpoint(rows);
        _permissions = new RbacUserPermissionsEndpoint(rows);
    }

    /// <summary>Handles the request when the path is under <c>/rbac</c>; false when it is not.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context, IReadOnlyList<string> path)
    {
        var rbac = (path is [RbacRoleEndpointsEndpoint.DefaultWorkspace, "rbac", ..] ? path.Skip(1) : path).ToArray();
        switch (rbac)
        {
            case ["rbac", "users"]:
                await _users.CollectionAsync(context);
                return true;
            case ["rbac", "users", var user]:
                await _users.EntityAsync(context, user);
                return true;
            case ["rbac", "users", var user, "roles"]:
                await _userRoles.HandleAsync(context, user);
                return true;
            case ["rbac", "users", var user, "permissions"]:
                await _permissions.HandleAsync(context, user);
                return true;
            case ["rbac", "roles"]:
                await _roles.CollectionAsync(context);
                return true;
            case ["rbac", "roles", var role]:
                await _roles.EntityAsync(context, role);
                return true;
            case ["rbac", "roles", var role, "endpoints"]:
                await _roleEndpoints.CollectionAsync(context, role);
                return true;
            case ["rbac", "roles", var role, "endpoints", var workspace, .. var endpoint] when endpoint.Length > 0:
                await _roleEndpoints.PermissionAsync(context, role, workspace, endpoint);
                return true;
            case ["rbac", "roles", var role, "entities"]:
                await _roleEntities.CollectionAsync(context, role);
                return true;
            case ["rbac", "roles", var role, "entities", var entityId]:
                await _roleEntities.PermissionAsync(context, role, entityId);
                return true;
            case ["rbac", ..]:
                throw AdminException.NotFound();
            default:
                return false;
        }
    }
}
