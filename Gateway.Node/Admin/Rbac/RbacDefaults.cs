using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Entities.Rbac;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// What a new database holds for RBAC, as Kong Enterprise's first migration seeds it: the roles read-only, admin
/// (everything but the RBAC API, denied five levels deep) and super-admin; and, given an admin password
/// (<c>KONG_PASSWORD</c>), the user <c>kong_admin</c> with that token, its personal role and super-admin.
/// Seeding is idempotent: the roles only into a database without roles, the user only when there is none of that name.
/// </summary>
public static class RbacDefaults
{
    /// <summary>The user a bootstrap with an admin password creates.</summary>
    public const string AdminUser = "kong_admin";

    /// <summary>The role with every permission.</summary>
    public const string SuperAdmin = "super-admin";

    private const int RbacDepth = 5;

    private static readonly (string Name, string Comment, (string Endpoint, RbacActions Actions, bool Negative)[] Endpoints)[] Roles =
    [
        ("read-only", "Read access to all endpoints, across all workspaces", [("*", RbacActions.Read, false)]),
        ("admin", "Full access to all endpoints, across all workspaces\u2014except RBAC Admin API",
            [("*", RbacActions.All, false), .. Enumerable.Range(1, RbacDepth).Select(depth => ("/rbac" + string.Concat(Enumerable.Repeat("/*", depth)), RbacActions.All, true))]),
        (SuperAdmin, "Full access to all endpoints, across all workspaces", [("*", RbacActions.All, false)]),
    ];

    /// <summary>Seeds the default roles, and <c>kong_admin</c> when <paramref name="adminPassword"/> is not empty.</summary>
    /// <exception cref="InvalidOperationException">The store refused a row (it holds a conflicting one).</exception>
    public static async Task SeedAsync(IConfigStore store, SchemaValidator validator, string? adminPassword, CancellationToken cancellationToken = default)
    {
        Task<JsonObject> Insert(EntitySchema schema, JsonObject body) => InsertAsync(store, validator, schema, body, cancellationToken);
        if ((await store.ListAsync(RbacRoles.Schema.Name, new ListQuery(1), cancellationToken)).Data.Count == 0)
        {
            foreach (var (name, comment, endpoints) in Roles)
            {
                var role = await Insert(RbacRoles.Schema, new JsonObject { ["name"] = name, ["comment"] = comment });
                foreach (var (endpoint, actions, negative) in endpoints)
                {
                    await Insert(RbacRoleEndpoints.Schema, new JsonObject
                    {
                        ["role"] = RbacRows.Reference(role),
                        ["workspace"] = "*",
                        ["endpoint"] = endpoint,
                        ["actions"] = (int)actions,
                        ["negative"] = negative,
                    });
                }

                // Entity checks (enforce_rbac entity, both) need entity permissions too: each default role's on every entity.
                await Insert(RbacRoleEntities.Schema, new JsonObject
                {
                    ["role"] = RbacRows.Reference(role),
                    ["entity_id"] = "*",
                    ["entity_type"] = "wildcard",
                    ["actions"] = (int)endpoints.Single(e => e.Endpoint == "*").Actions,
                });
            }
        }

        if (!string.IsNullOrEmpty(adminPassword) && await store.GetByFieldAsync(RbacUsers.Schema.Name, "name", AdminUser, cancellationToken) is null)
        {
            await SeedAdminAsync(store, Insert, adminPassword, cancellationToken);
        }
    }

    private static async Task SeedAdminAsync(IConfigStore store, Func<EntitySchema, JsonObject, Task<JsonObject>> insert, string password, CancellationToken cancellationToken)
    {
        var user = await insert(RbacUsers.Schema, new JsonObject
        {
            ["name"] = AdminUser,
            ["user_token"] = RbacToken.Hash(password),
            ["user_token_ident"] = RbacToken.Ident(password),
        });
        var personal = await store.GetByFieldAsync(RbacRoles.Schema.Name, "name", AdminUser, cancellationToken)
            ?? await insert(RbacRoles.Schema, new JsonObject
            {
                ["name"] = AdminUser,
                ["comment"] = $"Default user role generated for {AdminUser}",
                ["is_default"] = true,
            });
        var roles = new List<JsonObject> { personal };
        if (await store.GetByFieldAsync(RbacRoles.Schema.Name, "name", SuperAdmin, cancellationToken) is { } superAdmin)
        {
            roles.Add(superAdmin);
        }

        foreach (var role in roles)
        {
            await insert(RbacUserRoles.Schema, new JsonObject
            {
                ["user"] = RbacRows.Reference(user),
                ["role"] = RbacRows.Reference(role),
                ["role_source"] = "local",
            });
        }
    }

    /// <summary>Validates a row as the Admin API would (ids, timestamps, defaults) and stores it.</summary>
    private static async Task<JsonObject> InsertAsync(IConfigStore store, SchemaValidator validator, EntitySchema schema, JsonObject body, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var row = validator.Validate(schema, body, null, errors) ?? throw new InvalidOperationException($"{schema.Name}: {errors.ToMessage()}");
        var result = await store.InsertAsync(schema.Name, row, cancellationToken: cancellationToken);
        return result.Refusal is { } refusal ? throw new InvalidOperationException($"{schema.Name}: {refusal.Message}") : row;
    }
}
