using System.Text.Json.Nodes;
using Gateway.Storage.Entities.Rbac;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// <c>/rbac/users/{u}/permissions</c>: what the user's roles grant together, as Kong shows it:
/// <c>{"endpoints":{ws:{path:{actions,negative}}},"entities":{id:{actions,negative}}}</c>; the actions of
/// several roles on one key are joined, and a negative one makes the key negative.
/// </summary>
public sealed class RbacUserPermissionsEndpoint(RbacRows rows)
{
    /// <summary>Serves the request for the user named by <paramref name="userKey"/>.</summary>
    public Task HandleAsync(HttpContext context, string userKey) => MetaEndpoints.GetOnlyAsync(context, () => PermissionsAsync(userKey));

    private async Task<JsonNode> PermissionsAsync(string userKey)
    {
        var user = await rows.UserAsync(userKey);
        var endpoints = new Dictionary<(string Workspace, string Endpoint), (int Actions, bool Negative)>();
        var entities = new Dictionary<string, (int Actions, bool Negative)>(StringComparer.Ordinal);
        foreach (var role in await rows.RolesOfAsync(RbacRows.IdOf(user)))
        {
            foreach (var permission in await rows.AllAsync(RbacRoleEndpoints.Schema.Name, "role", RbacRows.IdOf(role)))
            {
                Join(endpoints, (permission["workspace"]!.GetValue<string>(), permission["endpoint"]!.GetValue<string>()), permission);
            }

            foreach (var permission in await rows.AllAsync(RbacRoleEntities.Schema.Name, "role", RbacRows.IdOf(role)))
            {
                Join(entities, permission["entity_id"]!.GetValue<string>(), permission);
            }
        }

        var byWorkspace = new JsonObject();
        foreach (var ((workspace, endpoint), grant) in endpoints.OrderBy(e => e.Key.Workspace, StringComparer.Ordinal).ThenBy(e => e.Key.Endpoint, StringComparer.Ordinal))
        {
            var paths = byWorkspace[workspace] as JsonObject ?? (JsonObject)(byWorkspace[workspace] = new JsonObject());
            paths[endpoint] = Render(grant);
        }

        var byId = new JsonObject();
        foreach (var (id, grant) in entities.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            byId[id] = Render(grant);
        }

        return new JsonObject { ["endpoints"] = byWorkspace, ["entities"] = byId };
    }

    private static void Join<TKey>(Dictionary<TKey, (int Actions, bool Negative)> granted, TKey key, JsonObject permission)
        where TKey : notnull
    {
        var actions = RbacActionList.Stored(permission);
        var negative = permission["negative"]?.GetValue<bool>() == true;
        granted[key] = granted.TryGetValue(key, out var held) ? (held.Actions | actions, held.Negative || negative) : (actions, negative);
    }

    private static JsonObject Render((int Actions, bool Negative) grant) =>
        new() { ["actions"] = RbacActionList.Render(grant.Actions), ["negative"] = grant.Negative };
}
