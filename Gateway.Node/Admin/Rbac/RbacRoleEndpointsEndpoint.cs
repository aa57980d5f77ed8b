using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Storage.Entities.Rbac;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// <c>/rbac/roles/{r}/endpoints</c> and <c>/rbac/roles/{r}/endpoints/{workspace}/{endpoint...}</c>: a role's
/// permissions on Admin API paths, keyed as Kong keys them (role, workspace, endpoint). The endpoint is
/// normalized on write (a leading <c>/</c>, no trailing one; <c>*</c> as it is). Nobody changes their own roles' permissions.
/// </summary>
public sealed class RbacRoleEndpointsEndpoint(RbacRows rows) : RbacRolePermissions(rows, RbacRoleEndpoints.Schema, "workspace", "endpoint")
{
    /// <summary>The one workspace there is.</summary>
    public const string DefaultWorkspace = "default";

    /// <summary>The endpoint as stored: <c>*</c>, or a path with a leading <c>/</c> and no trailing one.</summary>
    public static string Normalize(string endpoint)
    {
        var trimmed = endpoint.Trim();
        return trimmed == "*" ? trimmed : "/" + trimmed.Trim('/');
    }

    /// <summary>One permission: the endpoint's path segments follow the workspace.</summary>
    public Task PermissionAsync(HttpContext context, string roleKey, string workspace, IReadOnlyList<string> endpointSegments) =>
        KeyedAsync(context, roleKey, workspace, Normalize(string.Join('/', endpointSegments)));

    /// <inheritdoc/>
    protected override Task RefuseChangeAsync(HttpContext context, string roleId) => RbacSelfChanges.RefuseOwnEndpointsAsync(context, Rows, roleId);

    /// <inheritdoc/>
    /// <exception cref="AdminException">400 "'endpoint' is a required field"; 404 "Workspace x does not exist".</exception>
    protected override Task PrepareAsync(JsonObject body)
    {
        if (body["endpoint"] is not JsonValue endpoint || endpoint.GetValueKind() != JsonValueKind.String || endpoint.GetValue<string>().Trim().Length == 0)
        {
            throw AdminException.WithMessage(400, "'endpoint' is a required field");
        }

        body["endpoint"] = Normalize(endpoint.GetValue<string>());
        body["workspace"] = Workspace(body["workspace"]);
        return Task.CompletedTask;
    }

    /// <summary>The permission's workspace: <c>default</c> unless given; <c>*</c> is every workspace.</summary>
    private static string Workspace(JsonNode? given)
    {
        if (given is null)
        {
            return DefaultWorkspace;
        }

        var name = given.GetValueKind() == JsonValueKind.String ? given.GetValue<string>() : given.ToJsonString();
        return name is DefaultWorkspace or "*" ? name : throw AdminException.WithMessage(404, $"Workspace {name} does not exist");
    }
}
