using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Entities.Rbac;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// <c>/rbac/roles/{r}/entities</c> and <c>/rbac/roles/{r}/entities/{entity_id}</c>: a role's permissions on single
/// entities by id, or on all of them (<c>*</c>). <c>entity_type</c> is the kind of the entity the id names
/// (<c>wildcard</c> for <c>*</c>), found by the server, as Kong finds it.
/// </summary>
public sealed class RbacRoleEntitiesEndpoint(RbacRows rows) : RbacRolePermissions(rows, RbacRoleEntities.Schema, "entity_id")
{
    /// <summary>The <c>entity_id</c> that means every entity.</summary>
    public const string Wildcard = "*";

    /// <summary>The <c>entity_type</c> of <see cref="Wildcard"/>.</summary>
    public const string WildcardType = "wildcard";

    /// <summary>One permission.</summary>
    public Task PermissionAsync(HttpContext context, string roleKey, string entityId) => KeyedAsync(context, roleKey, entityId);

    /// <inheritdoc/>
    /// <exception cref="AdminException">400 "'entity_id' is a required field"; 400 "No entity with id x" when nothing has the id.</exception>
    protected override async Task PrepareAsync(JsonObject body)
    {
        if (body["entity_id"] is not JsonValue given || given.GetValueKind() != JsonValueKind.String || given.GetValue<string>().Trim().Length == 0)
        {
            throw AdminException.WithMessage(400, "'entity_id' is a required field");
        }

        var id = given.GetValue<string>().Trim();
        body["entity_id"] = id;
        body["entity_type"] = id == Wildcard
            ? WildcardType
            : (Typedefs.IsUuid(id) ? await Rows.EntityTypeOfAsync(id) : null) ?? throw AdminException.WithMessage(400, $"No entity with id {id}");
    }
}
