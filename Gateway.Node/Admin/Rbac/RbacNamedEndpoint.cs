using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// The collection and entity endpoints of an RBAC entity named by id or name (<c>/rbac/users</c>, <c>/rbac/roles</c>):
/// Kong's paged list, POST, and GET, PATCH, PUT (upsert) and DELETE (204) of one. Subclasses find the entity and
/// prepare a request body before it is validated.
/// </summary>
public abstract class RbacNamedEndpoint(RbacRows rows, EntitySchema schema)
{
    /// <summary>The shared reads and writes.</summary>
    protected RbacRows Rows => rows;

    /// <summary>The entity by id or name.</summary>
    /// <exception cref="AdminException">The entity's 404.</exception>
    protected abstract Task<JsonObject> GetAsync(string key);

    /// <summary>The entity by id or name, or null.</summary>
    protected abstract Task<JsonObject?> FindAsync(string key);

    /// <summary>Checks and rewrites a body before validation; <paramref name="current"/> is the row a PATCH or PUT changes.</summary>
    protected abstract Task PrepareAsync(JsonObject body, JsonObject? current);

    /// <summary><c>/rbac/{entities}</c>.</summary>
    public async Task CollectionAsync(HttpContext context)
    {
        switch (context.Request.Method)
        {
            case "GET" or "HEAD":
                var page = await rows.Reader.ListAsync(schema.Name, Pagination.Parse(context.Request.Query));
                await AdminResponse.WriteAsync(context, 200, Pagination.Render(context.Request, page.Data, page.Offset));
                break;
            case "POST":
                var body = await rows.ReadBodyAsync(context, schema);
                await PrepareAsync(body, current: null);
                var row = await rows.ValidateAsync(schema, body, existing: null);
                await rows.InsertAsync(schema, row);
                await AdminResponse.WriteAsync(context, 201, row);
                break;
            case "OPTIONS":
                AdminResponse.Allow(context, "GET, HEAD, OPTIONS, POST");
                break;
            default:
                throw AdminException.MethodNotAllowed();
        }
    }

    /// <summary><c>/rbac/{entities}/{id or name}</c>.</summary>
    public async Task EntityAsync(HttpContext context, string key)
    {
        switch (context.Request.Method)
        {
            case "GET" or "HEAD":
                await AdminResponse.WriteAsync(context, 200, await GetAsync(key));
                break;
            case "PATCH":
                var current = await GetAsync(key);
                var patch = await rows.ReadBodyAsync(context, schema);
                patch.Remove("id");
                await PrepareAsync(patch, current);
                var patched = await rows.ValidateAsync(schema, patch, current);
                await rows.UpdateAsync(schema, patched);
                await AdminResponse.WriteAsync(context, 200, patched);
                break;
            case "PUT":
                await AdminResponse.WriteAsync(context, 200, await PutAsync(context, key));
                break;
            case "DELETE":
                if (await FindAsync(key) is { } existing)
                {
                    await rows.DeleteAsync(schema, existing);
                }

                context.Response.StatusCode = 204;
                break;
            case "OPTIONS":
                AdminResponse.Allow(context, "DELETE, GET, HEAD, OPTIONS, PATCH, PUT");
                break;
            default:
                throw AdminException.MethodNotAllowed();
        }
    }

    /// <summary>PUT creates or replaces the whole entity; the key in the path is its id or its name.</summary>
    private async Task<JsonObject> PutAsync(HttpContext context, string key)
    {
        var existing = await FindAsync(key);
        var body = await rows.ReadBodyAsync(context, schema);
        if (existing is not null)
        {
            body["id"] = existing["id"]!.DeepClone();
        }
        else if (Typedefs.IsUuid(key))
        {
            body["id"] = key;
        }

        if (!Typedefs.IsUuid(key) && body["name"] is null)
        {
            body["name"] = key;
        }

        await PrepareAsync(body, existing);
        var row = await rows.ValidateAsync(schema, body, existing: null);
        if (existing?["created_at"] is { } createdAt)
        {
            row["created_at"] = createdAt.DeepClone();
        }

        await rows.UpsertAsync(schema, row);
        return row;
    }
}
