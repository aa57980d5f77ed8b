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

    /// <summary>The endpoints over the node's reader and the cluster's writer.</summary>
    public RbacEndpoints(SchemaRegistry registry, IConfigReader reader, ClusterConfigWriter writer, SchemaValidator validator, BodyLimits bodyLimits)
    {
        var entities = new EntityEndpoints(registry, reader, writer, validator, bodyLimits);
        var rows = new RbacRows(registry, reader, writer, entities, bodyLimits);
        _users = new RbacUsersEndpoint(rows);
        _userRoles = new RbacUserRolesEndpoint(rows);
        _roles = new RbacRolesEndpoint(rows);
        _roleEndpoints = new RbacRoleEndpointsEndpoint(rows);
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
                await _roleEndpoints.EntityAsync(context, role, workspace, endpoint);
                return true;
            case ["rbac", ..]:
                throw AdminException.NotFound();
            default:
                return false;
        }
    }
}
