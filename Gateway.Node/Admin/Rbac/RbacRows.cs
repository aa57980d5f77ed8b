using System.Text.Json.Nodes;
using Gateway.Cluster.Propagation;
using Gateway.Schema;
using Gateway.Storage.Entities.Rbac;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// What the <c>/rbac</c> endpoints share: reads through the node's reader, validation and foreign keys as the
/// entity endpoints do them (<see cref="EntityEndpoints"/>), writes through the cluster's single writer.
/// </summary>
public sealed class RbacRows(SchemaRegistry registry, IConfigReader reader, ClusterConfigWriter writer, EntityEndpoints entities, BodyLimits bodyLimits)
{
    /// <summary>The node's reader.</summary>
    public IConfigReader Reader => reader;

    /// <summary>The request body, typed by <paramref name="schema"/> (when given) as the entity endpoints read it.</summary>
    public Task<JsonObject> ReadBodyAsync(HttpContext context, EntitySchema? schema) => RequestBody.ReadAsync(context, schema, registry, bodyLimits);

    /// <summary>Validates a row (Kong's code 2 and code 13 errors); the complete row.</summary>
    public Task<JsonObject> ValidateAsync(EntitySchema schema, JsonObject body, JsonObject? existing) => entities.ValidateAsync(schema, body, existing);

    /// <summary>The user by id or name.</summary>
    /// <exception cref="AdminException">404 <c>No RBAC user by name or id x</c>.</exception>
    public async Task<JsonObject> UserAsync(string key) =>
        await FindUserAsync(key) ?? throw AdminException.WithMessage(404, $"No RBAC user by name or id {key}");

    /// <summary>The user by id or name, or null.</summary>
    public Task<JsonObject?> FindUserAsync(string key) => entities.FindAsync(RbacUsers.Schema, key, parent: null);

    /// <summary>The role by id or name, or null.</summary>
    public Task<JsonObject?> FindRoleAsync(string key) => entities.FindAsync(RbacRoles.Schema, key, parent: null);

    /// <summary>The role by id or name.</summary>
    /// <exception cref="AdminException">404 Not found.</exception>
    public async Task<JsonObject> RoleAsync(string key) => await FindRoleAsync(key) ?? throw AdminException.NotFound();

    /// <summary>The kind of the config entity with this id (<c>services</c>), or null when none has it.</summary>
    public async Task<string?> EntityTypeOfAsync(string id)
    {
        foreach (var schema in registry.Entities.Where(s => !RbacEntities.Names.Contains(s.Name)))
        {
            if (await reader.GetAsync(schema.Name, id) is not null)
            {
                return schema.Name;
            }
        }

        return null;
    }

    /// <summary>Every row of <paramref name="entity"/>, or those whose <paramref name="foreignField"/> is <paramref name="foreignId"/>.</summary>
    public async Task<List<JsonObject>> AllAsync(string entity, string? foreignField = null, string? foreignId = null)
    {
        var all = new List<JsonObject>();
        string? offset = null;
        do
        {
            var page = await reader.ListAsync(entity, new ListQuery(Pagination.MaxSize, offset, null, foreignField, foreignId));
            all.AddRange(page.Data);
            offset = page.Offset;
        }
        while (offset is not null);
        return all;
    }

    /// <summary>The roles granted to the user, by name.</summary>
    public async Task<List<JsonObject>> RolesOfAsync(string userId)
    {
        var roles = new List<JsonObject>();
        foreach (var grant in await AllAsync(RbacUserRoles.Schema.Name, "user", userId))
        {
            if (await reader.GetAsync(RbacRoles.Schema.Name, IdOf(grant, "role")) is { } role)
            {
                roles.Add(role);
            }
        }

        return [.. roles.OrderBy(r => r["name"]!.GetValue<string>(), StringComparer.Ordinal)];
    }

    /// <summary>Stores a new row.</summary>
    public async Task InsertAsync(EntitySchema schema, JsonObject row) => WriteRefusals.ThrowIfRefused(await writer.InsertAsync(schema.Name, row));

    /// <summary>Replaces a row.</summary>
    public async Task UpdateAsync(EntitySchema schema, JsonObject row) => WriteRefusals.ThrowIfRefused(await writer.UpdateAsync(schema.Name, row));

    /// <summary>Creates or replaces a row.</summary>
    public async Task UpsertAsync(EntitySchema schema, JsonObject row) => WriteRefusals.ThrowIfRefused(await writer.UpsertAsync(schema.Name, row));

    /// <summary>Deletes a row (and, by the schemas' cascades, what references it).</summary>
    public async Task DeleteAsync(EntitySchema schema, JsonObject row) => WriteRefusals.ThrowIfRefused(await writer.DeleteAsync(schema.Name, IdOf(row)));

    /// <summary>Kong's schema violation (code 2) of one field.</summary>
    public static AdminException Violation(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Field(field, message);
        return AdminException.Kong(KongError.SchemaViolation, errors.ToMessage(), errors.ToJson());
    }

    /// <summary>The row's id.</summary>
    public static string IdOf(JsonObject row) => row["id"]!.GetValue<string>();

    /// <summary>The id a foreign field of the row points at.</summary>
    public static string IdOf(JsonObject row, string foreignField) => row[foreignField]!["id"]!.GetValue<string>();

    /// <summary>A foreign field's value pointing at <paramref name="row"/>.</summary>
    public static JsonObject Reference(JsonObject row) => new() { ["id"] = IdOf(row) };
}
