namespace Gateway.Node.Plugins.Acl;

/// <summary>The acl config (see <see cref="AclSchema"/>); exactly one of allow and deny is set.</summary>
/// <param name="Allow">Groups allowed in; everyone else is refused.</param>
/// <param name="Deny">Groups refused; everyone else is allowed in.</param>
/// <param name="HideGroupsHeader">Whether to keep X-Consumer-Groups from the upstream.</param>
/// <param name="AlwaysUseAuthenticatedGroups">Whether groups an auth plugin set win over the consumer's own even with a credential.</param>
public sealed record AclConfig(string[]? Allow, string[]? Deny, bool HideGroupsHeader, bool AlwaysUseAuthenticatedGroups)
{
    /// <summary>Whether the list is a deny list.</summary>
    public bool IsDeny { get; } = Deny is { Length: > 0 };

    /// <summary>The configured groups (the deny list, or the allow list).</summary>
    public IReadOnlySet<string> Groups { get; } = new HashSet<string>((Deny is { Length: > 0 } ? Deny : Allow) ?? [], StringComparer.Ordinal);
}
