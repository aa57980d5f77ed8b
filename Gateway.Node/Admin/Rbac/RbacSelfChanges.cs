namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// Kong's refusal of an authenticated user's changes to their own access: their own role grants and the
/// endpoint permissions of their own roles (403). Without RBAC (no <see cref="RbacUser"/> on the request) nothing is refused.
/// </summary>
public static class RbacSelfChanges
{
    /// <summary>Refuses POST and DELETE of the caller's own role grants.</summary>
    /// <exception cref="AdminException">403 "the admin should not update their own roles" (or "delete").</exception>
    public static void RefuseOwnRoles(HttpContext context, string userId)
    {
        if (context.Features.Get<RbacUser>()?.Id == userId)
        {
            var verb = context.Request.Method == "DELETE" ? "delete" : "update";
            throw AdminException.WithMessage(403, $"the admin should not {verb} their own roles");
        }
    }

    /// <summary>Refuses changes to the endpoint permissions of a role the caller holds.</summary>
    /// <exception cref="AdminException">403 "the admin should not update or delete their own endpoints".</exception>
    public static async Task RefuseOwnEndpointsAsync(HttpContext context, RbacRows rows, string roleId)
    {
        if (context.Features.Get<RbacUser>() is { } caller && (await rows.RolesOfAsync(caller.Id)).Any(r => RbacRows.IdOf(r) == roleId))
        {
            throw AdminException.WithMessage(403, "the admin should not update or delete their own endpoints");
        }
    }
}
