using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Storage.Entities.Rbac;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// <c>/rbac/roles/{r}/endpoints</c> and <c>/rbac/roles/{r}/endpoints/{workspace}/{endpoint...}</c>: a role's
/// permissions on Admin API paths, keyed as Kong keys them (role, workspace, endpoint). The endpoint is
/// normalized on write (a leading <c>/</c>, no trailing one; <c>*</c> as it is). Nobody changes their own roles' permissions.
/// </summary>
public sealed class RbacRoleEndpointsEndpoint(RbacRows rows)
{
    /// <summary>The one workspace there is.</summary>
    public const string DefaultWorkspace = "default";

    private static readonly Gateway.Schema.EntitySchema Schema = RbacRoleEndpoints.Schema;

    /// <summary>The endpoint as stored: <c>*</c>, or a path with a leading <c>/</c> and no trailing one.</summary>
    public static string Normalize(string endpoint)
    {
        var trimmed = endpoint.Trim();
        if (trimmed == "*")
        {
            return trimmed;
        }

        return "/" + trimmed.Trim('/');
    }

    /// <summary><c>/rbac/roles/{r}/endpoints</c>.</summary>
    public async Task CollectionAsync(HttpContext context, string roleKey)
    {
        if (context.Request.Method == "OPTIONS")
        {
            AdminResponse.Allow(context, "GET, HEAD, OPTIONS, POST");
            return;
        }

        var role = await rows.RoleAsync(roleKey);
        switch (context.Request.Method)
        {
            case "GET" or "HEAD":
                var query = Pagination.Parse(context.Request.Query) with { ForeignField = "role", ForeignId = RbacRows.IdOf(role) };
                var page = await rows.Reader.ListAsync(Schema.Name, query);
                await AdminResponse.WriteAsync(context, 200, Pagination.Render(context.Request, page.Data.Select(RbacActionList.Present), page.Offset));
                break;
            case "POST":
                await RbacSelfChanges.RefuseOwnEndpointsAsync(context, rows, RbacRows.IdOf(role));
                var body = await rows.ReadBodyAsync(context, Schema);
                if (body["endpoint"] is not JsonValue endpoint || endpoint.GetValueKind() != JsonValueKind.String || endpoint.GetValue<string>().Trim().Length == 0)
                {
                    throw AdminException.WithMessage(400, "'endpoint' is a required field");
                }

                body["endpoint"] = Normalize(endpoint.GetValue<string>());
                body["workspace"] = Workspace(body["workspace"]);
                body["actions"] = (int)RbacActionList.Parse(body["actions"] ?? JsonValue.Create("*"));
                body["role"] = RbacRows.Reference(role);
                var row = await rows.ValidateAsync(Schema, body, existing: null);
                await rows.InsertAsync(Schema, row);
                await AdminResponse.WriteAsync(context, 201, RbacActionList.Present(row));
                break;
            default:
                throw AdminException.MethodNotAllowed();
        }
    }

    /// <summary><c>/rbac/roles/{r}/endpoints/{workspace}/{endpoint...}</c>: the endpoint's path segments follow the workspace.</summary>
    public async Task EntityAsync(HttpContext context, string roleKey, string workspace, IReadOnlyList<string> endpointSegments)
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
        var endpoint = Normalize(string.Join('/', endpointSegments));
        var existing = (await rows.AllAsync(Schema.Name, "role", RbacRows.IdOf(role)))
            .FirstOrDefault(p => p["workspace"]?.GetValue<string>() == workspace && p["endpoint"]?.GetValue<string>() == endpoint);
        switch (context.Request.Method)
        {
            case "GET" or "HEAD":
                await AdminResponse.WriteAsync(context, 200, RbacActionList.Present(existing ?? throw AdminException.NotFound()));
                break;
            case "PATCH":
                await RbacSelfChanges.RefuseOwnEndpointsAsync(context, rows, RbacRows.IdOf(role));
                var current = existing ?? throw AdminException.NotFound();
                var patch = await rows.ReadBodyAsync(context, Schema);
                foreach (var key in new[] { "id", "role", "workspace", "endpoint" })
                {
                    patch.Remove(key);
                }

                if (patch["actions"] is { } actions)
                {
                    patch["actions"] = (int)RbacActionList.Parse(actions);
                }

                var patched = await rows.ValidateAsync(Schema, patch, current);
                await rows.UpdateAsync(Schema, patched);
                await AdminResponse.WriteAsync(context, 200, RbacActionList.Present(patched));
                break;
            case "DELETE":
                await RbacSelfChanges.RefuseOwnEndpointsAsync(context, rows, RbacRows.IdOf(role));
                if (existing is not null)
                {
                    await rows.DeleteAsync(Schema, existing);
                }

                context.Response.StatusCode = 204;
                break;
        }
    }

    /// <summary>The permission's workspace: <c>default</c> unless given; <c>*</c> is every workspace.</summary>
    /// <exception cref="AdminException">404 "Workspace x does not exist".</exception>
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
