using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins.Acl;

/// <summary>
/// A request's groups, as the acl plugin and access-control read them: the groups an auth plugin left in
/// <see cref="AuthenticatedGroupsKey"/>, else the acls rows of the authenticated consumer.
/// </summary>
public static class ConsumerGroups
{
    /// <summary>
    /// Where an auth plugin that knows groups without consumers (LDAP, OAuth2 introspection) leaves them,
    /// as Kong's <c>kong.ctx.shared.authenticated_groups</c>: a list of strings.
    /// </summary>
    public const string AuthenticatedGroupsKey = "authenticated_groups";

    /// <summary>The groups an auth plugin set, or null when none did.</summary>
    public static IReadOnlyList<string>? Authenticated(PluginContext context) =>
        context.Shared.TryGetValue(AuthenticatedGroupsKey, out var value) && value is IEnumerable<string> groups ? [.. groups] : null;

    /// <summary>The groups of a consumer's acls rows (cached by the consumer store).</summary>
    public static async ValueTask<IReadOnlyList<string>> OfConsumerAsync(PluginContext context, string consumerId)
    {
        var rows = await context.Consumers.ListAsync(AclCredentials.Schema.Name, "consumer", consumerId);
        return [.. rows.Select(r => r["group"]?.GetValue<string>()).OfType<string>()];
    }
}
