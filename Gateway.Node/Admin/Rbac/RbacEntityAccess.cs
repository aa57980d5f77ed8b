using System.Text.Json.Nodes;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// Entity checks for one request (enforce_rbac entity or both), set on <c>HttpContext.Features</c> by the
/// guard: the entity endpoints refuse reads and changes of entities the user has no permission on, and
/// leave them out of lists.
/// </summary>
/// <param name="Account">The authenticated user.</param>
public sealed record RbacEntityAccess(RbacAccount Account)
{
    /// <summary>Whether the request may see <paramref name="row"/> in a list (true without entity checks).</summary>
    public static bool MayRead(HttpContext context, JsonObject row) =>
        context.Features.Get<RbacEntityAccess>() is not { } access || access.Allows(row, RbacActions.Read);

    /// <summary>Refuses the request's action on <paramref name="row"/> when the user lacks it (nothing without entity checks).</summary>
    /// <exception cref="AdminException">Kong's 403.</exception>
    public static void Demand(HttpContext context, JsonObject row)
    {
        var action = RbacActionNames.ForMethod(context.Request.Method);
        if (context.Features.Get<RbacEntityAccess>() is { } access && !access.Allows(row, action))
        {
            throw RbacGuard.Forbidden(access.Account.User, action);
        }
    }

    private bool Allows(JsonObject row, RbacActions action) =>
        row["id"] is JsonValue id && id.TryGetValue<string>(out var text) && Account.Permissions.AllowsEntity(text, action);
}
