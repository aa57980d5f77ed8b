namespace Gateway.Node.Admin.Rbac;

/// <summary>An RBAC user as the checks need it: who, the token hash to verify against, and what they may do.</summary>
/// <param name="User">The user's id and name.</param>
/// <param name="TokenHash">The stored bcrypt hash of the user's token.</param>
/// <param name="Enabled">Whether the user may sign in.</param>
/// <param name="Permissions">The user's permissions over all their roles.</param>
public sealed record RbacAccount(RbacUser User, string TokenHash, bool Enabled, RbacPermissions Permissions);
