using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary>The requests the RBAC API tests make: form bodies, as Kong's docs send them, and the rows they create.</summary>
public static class RbacCalls
{
    /// <summary>Sends a form body; returns the status and the parsed answer (null when empty).</summary>
    public static async Task<(int Status, JsonNode? Body)> FormAsync(this TestNode node, HttpMethod method, string path, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        using var response = await node.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Creates a role with a unique name; returns it.</summary>
    public static Task<JsonObject> RoleAsync(this TestNode node, string prefix) =>
        node.CreateAsync("/rbac/roles", new JsonObject { ["name"] = $"{prefix}-{Guid.NewGuid():N}" }.ToJsonString());

    /// <summary>Creates a user with a unique name and the token; returns it.</summary>
    public static Task<JsonObject> UserAsync(this TestNode node, string prefix, string token) =>
        node.CreateAsync("/rbac/users", new JsonObject { ["name"] = $"{prefix}-{Guid.NewGuid():N}", ["user_token"] = token }.ToJsonString());

    /// <summary>A token no other test uses.</summary>
    public static string NewToken() => $"token-{Guid.NewGuid():N}";

    /// <summary>A string field of a row.</summary>
    public static string Text(this JsonNode? row, string field) => row![field]!.GetValue<string>();
}
