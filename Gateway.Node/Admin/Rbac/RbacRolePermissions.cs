using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// A role's permissions of one kind (on endpoints, on entities): the paged list, POST, and GET, PATCH and DELETE (204)
/// of one, with <c>actions</c> taken as names and shown as an array (<see cref="RbacActionList"/>). Kong keys a
/// permission by role and <paramref name="keyFields"/>; a PATCH changes only what it grants.
/// </summary>
/// <param name="rows">The shared reads and writes.</param>
/// <param name="schema">The permission entity.</param>
/// <param name="keyFields">The fields that name a permission within its role.</param>
public abstract class RbacRolePermissions(RbacRows rows, EntitySchema schema, params string[] keyFields)
{
    /// <summary>The shared reads and writes.</summary>
    protected RbacRows Rows => rows;

    /// <summary>Sets the key fields of a new permission from the request body, checking them.</summary>
    protected abstract Task PrepareAsync(JsonObject body);

    /// <summary>Refuses a change to the role's permissions; nothing is refused unless a kind says so.</summary>
    protected virtual Task RefuseChangeAsync(HttpContext context, string roleId) => Task.CompletedTask;

    /// <summary><c>/rbac/roles/{r}/{kind}</c>.</summary>
    public async Task CollectionAsync(HttpContext context, string roleKey)
    {
        if (context.Request.Method == "OPTIONS")
        {
            AdminResponse.Allow(context, "GET, HEAD, OPTIONS, POST");
            return;
        }

        if (context.Request.Method is not ("GET" or "HEAD" or "POST"))
        {
            throw AdminException.MethodNotAllowed();
        }

        var role = await rows.RoleAsync(roleKey);
        if (context.Request.Method != "POST")
        {
            var query = Pagination.Parse(context.Request.Query) with { ForeignField = "role", ForeignId = RbacRows.IdOf(role) };
            var page = await rows.Reader.ListAsync(schema.Name, query);
            await AdminResponse.WriteAsync(context, 200, Pagination.Render(context.Request, page.Data.Select(RbacActionList.Present), page.Offset));
            return;
        }

        await RefuseChangeAsync(context, RbacRows.IdOf(role));
        var body = await rows.ReadBodyAsync(context, schema);
        await PrepareAsync(body);
        body["actions"] = (int)RbacActionList.Parse(body["actions"] ?? JsonValue.Create("*"));
        body["role"] = RbacRows.Reference(role);
        var row = await rows.ValidateAsync(schema, body, existing: null);
        await rows.InsertAsync(schema, row);
        await AdminResponse.WriteAsync(context, 201, RbacActionList.Present(row));
    }

    /// <summary><c>/rbac/roles/{r}/{kind}/{key...}</c>: the role's permission whose key fields hold <paramref name="key"/>.</summary>
    protected async Task KeyedAsync(HttpContext context, string roleKey, params string[] key)
    {
        if (context.Request.Method == "OPTIONS")
        {
            AdminResponse.Allow(context, "DELETE, GET, HEAD, OPTIONS, PATCH");
            return;
        }

        if (context.Request.Method is not ("GET" or "HEAD" or "PATCH" or "DELETE"))
        {
            throw AdminException.MethodNotAllowed();
        }

        var role = await rows.RoleAsync(roleKey);
        var existing = (await rows.AllAsync(schema.Name, "role", RbacRows.IdOf(role)))
            .FirstOrDefault(p => keyFields.Select((field, i) => p[field]?.GetValue<string>() == key[i]).All(same => same));
        switch (context.Request.Method)
        {
            case "GET" or "HEAD":
                await AdminResponse.WriteAsync(context, 200, RbacActionList.Present(existing ?? throw AdminException.NotFound()));
                break;
            case "PATCH":
                await RefuseChangeAsync(context, RbacRows.IdOf(role));
                var current = existing ?? throw AdminException.NotFound();
                var patch = await rows.ReadBodyAsync(context, schema);
                foreach (var field in keyFields.Append("id").Append("role"))
                {
                    patch.Remove(field);
                }

                if (patch["actions"] is { } actions)
                {
                    patch["actions"] = (int)RbacActionList.Parse(actions);
                }

                var patched = await rows.ValidateAsync(schema, patch, current);
                await rows.UpdateAsync(schema, patched);
                await AdminResponse.WriteAsync(context, 200, RbacActionList.Present(patched));
                break;
            case "DELETE":
                await RefuseChangeAsync(context, RbacRows.IdOf(role));
                if (existing is not null)
                {
                    await rows.DeleteAsync(schema, existing);
                }

                context.Response.StatusCode = 204;
                break;
        }
    }
}
