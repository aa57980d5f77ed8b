using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Storage.Entities.Rbac;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// <c>/rbac/users/{u}/roles</c>: GET the user's roles, POST <c>roles=a,b</c> to grant (201), DELETE <c>roles=a,b</c> to
/// take back (204); both answer and refuse as Kong does, and nobody changes their own grants.
/// </summary>
public sealed class RbacUserRolesEndpoint(RbacRows rows)
{
    /// <summary>Serves the request for the user named by <paramref name="userKey"/>.</summary>
    public async Task HandleAsync(HttpContext context, string userKey)
    {
        if (context.Request.Method == "OPTIONS")
        {
            AdminResponse.Allow(context, "DELETE, GET, HEAD, OPTIONS, POST");
            return;
        }

        if (context.Request.Method is not ("GET" or "HEAD" or "POST" or "DELETE"))
        {
            throw AdminException.MethodNotAllowed();
        }

        var user = await rows.UserAsync(userKey);
        var userId = RbacRows.IdOf(user);
        switch (context.Request.Method)
        {
            case "GET" or "HEAD":
                await AdminResponse.WriteAsync(context, 200, await AnswerAsync(user));
                break;
            case "POST":
                RbacSelfChanges.RefuseOwnRoles(context, userId);
                var held = (await rows.RolesOfAsync(userId)).Select(RbacRows.IdOf).ToHashSet(StringComparer.Ordinal);
                foreach (var role in await NamedRolesAsync(context))
                {
                    if (held.Add(RbacRows.IdOf(role)))
                    {
                        var grant = new JsonObject { ["user"] = RbacRows.Reference(user), ["role"] = RbacRows.Reference(role), ["role_source"] = "local" };
                        await rows.InsertAsync(RbacUserRoles.Schema, await rows.ValidateAsync(RbacUserRoles.Schema, grant, existing: null));
                    }
                }

                await AdminResponse.WriteAsync(context, 201, await AnswerAsync(user));
                break;
            case "DELETE":
                RbacSelfChanges.RefuseOwnRoles(context, userId);
                var removed = (await NamedRolesAsync(context)).Select(RbacRows.IdOf).ToHashSet(StringComparer.Ordinal);
                foreach (var grant in await rows.AllAsync(RbacUserRoles.Schema.Name, "user", userId))
                {
                    if (removed.Contains(RbacRows.IdOf(grant, "role")))
                    {
                        await rows.DeleteAsync(RbacUserRoles.Schema, grant);
                    }
                }

                context.Response.StatusCode = 204;
                break;
        }
    }

    private async Task<JsonObject> AnswerAsync(JsonObject user) => new()
    {
        ["roles"] = new JsonArray([.. (await rows.RolesOfAsync(RbacRows.IdOf(user))).Select(r => (JsonNode)r.DeepClone())]),
        ["user"] = user.DeepClone(),
    };

    /// <summary>The roles the body's (or the query's) <c>roles</c> names: a comma list or an array.</summary>
    /// <exception cref="AdminException">400 "must provide >= 1 role"; 400 "role not found with name 'x'".</exception>
    private async Task<List<JsonObject>> NamedRolesAsync(HttpContext context)
    {
        var body = await rows.ReadBodyAsync(context, schema: null);
        var given = body["roles"] ?? (context.Request.Query.TryGetValue("roles", out var query) ? JsonValue.Create(query.ToString()) : null);
        var names = given switch
        {
            JsonArray array => array.Select(e => e?.GetValueKind() == JsonValueKind.String ? e.GetValue<string>() : e?.ToJsonString() ?? ""),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>().Split(','),
            _ => [],
        };
        var trimmed = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (trimmed.Count == 0)
        {
            throw AdminException.WithMessage(400, "must provide >= 1 role");
        }

        var roles = new List<JsonObject>(trimmed.Count);
        foreach (var name in trimmed)
        {
            roles.Add(await rows.Reader.GetByFieldAsync(RbacRoles.Schema.Name, "name", name)
                ?? throw AdminException.WithMessage(400, $"role not found with name '{name}'"));
        }

        return roles;
    }
}
