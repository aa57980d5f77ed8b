using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Entities.Rbac;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// A user's token on its way to the store: a new clear token becomes its bcrypt hash and ident before anything
/// else sees the body, so it is never stored, logged or answered. The stored hash sent back unchanged (a GET's
/// answer PUT back) stays as it is, never hashed again; a client's own <c>user_token_ident</c> is ignored.
/// </summary>
public static class RbacUserTokens
{
    private const string Token = "user_token";
    private const string Ident = "user_token_ident";

    /// <summary>Rewrites the body's token for storage, refusing one another user already has.</summary>
    /// <param name="rows">The shared reads.</param>
    /// <param name="body">The request body, changed in place.</param>
    /// <param name="current">The user a PATCH or PUT changes; null on create.</param>
    /// <exception cref="AdminException">400 for an empty token; Kong's unique violation on <c>user_token</c>.</exception>
    public static async Task ProtectAsync(RbacRows rows, JsonObject body, JsonObject? current)
    {
        body.Remove(Ident);
        if (body[Token] is not JsonValue value || !value.TryGetValue<string>(out var token))
        {
            // Absent (a PATCH keeps both fields) or not a string (validation refuses it).
            return;
        }

        if (current is not null && token == current[Token]?.GetValue<string>())
        {
            body[Ident] = current[Ident]?.DeepClone();
            return;
        }

        if (RbacToken.Normalize(token).Length == 0)
        {
            throw RbacRows.Violation(Token, "length must be at least 1");
        }

        var hash = RbacToken.Hash(token);
        var ident = RbacToken.Ident(token);
        var userId = current?["id"]?.GetValue<string>();
        foreach (var user in await rows.AllAsync(RbacUsers.Schema.Name))
        {
            if (user[Ident]?.GetValue<string>() == ident && RbacRows.IdOf(user) != userId && RbacToken.Verify(token, user[Token]!.GetValue<string>()))
            {
                throw WriteRefusals.ToKongError(new WriteRefusal.UniqueViolation(RbacUsers.Schema.Name, new JsonObject { [Token] = hash }));
            }
        }

        body[Token] = hash;
        body[Ident] = ident;
    }
}
