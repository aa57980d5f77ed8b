using System.Text.Json.Nodes;
using Gateway.Storage.Entities.Rbac;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// <c>/rbac/users</c> and <c>/rbac/users/{name or id}</c>. A token given on create or change is stored only as its
/// bcrypt hash next to its ident (<see cref="RbacUserTokens"/>); answers show the hash, as Kong's do.
/// </summary>
public sealed class RbacUsersEndpoint(RbacRows rows) : RbacNamedEndpoint(rows, RbacUsers.Schema)
{
    /// <inheritdoc/>
    protected override Task<JsonObject> GetAsync(string key) => Rows.UserAsync(key);

    /// <inheritdoc/>
    protected override Task<JsonObject?> FindAsync(string key) => Rows.FindUserAsync(key);

    /// <inheritdoc/>
    protected override Task PrepareAsync(JsonObject body, JsonObject? current) => RbacUserTokens.ProtectAsync(Rows, body, current);
}
