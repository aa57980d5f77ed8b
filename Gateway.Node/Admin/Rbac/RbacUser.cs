namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// The RBAC user an Admin API request authenticated as, set on <c>HttpContext.Features</c> by the RBAC check
/// before any endpoint runs; absent when <c>enforce_rbac</c> is off. Endpoints read it to refuse a user's
/// changes to their own roles, the audit log to record the actor.
/// </summary>
/// <param name="Id">The <c>rbac_users</c> row's id.</param>
/// <param name="Name">The user's name, as Kong's 403 messages quote it.</param>
public sealed record RbacUser(string Id, string Name);
