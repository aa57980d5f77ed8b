using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Entities.Rbac;

namespace Gateway.Node.Admin.Rbac;

/// <summary><c>/rbac/roles</c> and <c>/rbac/roles/{name or id}</c>; <c>is_default</c> is set on create and never changed.</summary>
public sealed class RbacRolesEndpoint(RbacRows rows) : RbacNamedEndpoint(rows, RbacRoles.Schema)
{
    private const string IsDefault = "is_default";

    /// <inheritdoc/>
    protected override Task<JsonObject> GetAsync(string key) => Rows.RoleAsync(key);

    /// <inheritdoc/>
    protected override Task<JsonObject?> FindAsync(string key) => Rows.FindRoleAsync(key);

    /// <inheritdoc/>
    protected override Task PrepareAsync(JsonObject body, JsonObject? current)
    {
        if (current is null)
        {
            return Task.CompletedTask;
        }

        if (!body.ContainsKey(IsDefault))
        {
            body[IsDefault] = current[IsDefault]?.DeepClone();
        }
        else if (!JsonNode.DeepEquals(body[IsDefault], current[IsDefault]))
        {
            throw RbacRows.Violation(IsDefault, "immutable field cannot be updated");
        }

        return Task.CompletedTask;
    }
}
