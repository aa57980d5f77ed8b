using Gateway.Plugins.Sdk;
using Gateway.Storage.Schema;

namespace Gateway.Node.Plugins.Acl;

/// <summary>
/// Kong's acl (kong/plugins/acl/handler.lua): after the auth plugins, lets a request in only when its
/// consumer's groups (the acls rows, or groups an auth plugin left in <see cref="AuthenticatedGroupsKey"/>)
/// pass the allow or deny list; tells the upstream the groups in X-Consumer-Groups (or
/// X-Authenticated-Groups). Refusals are 403 "You cannot consume this service"; a request with no
/// consumer at all gets 401.
/// </summary>
public sealed class AclPlugin : GatewayPlugin<AclConfig>
{
    /// <summary>Kong's refusal.</summary>
    public const string RefusedMessage = "You cannot consume this service";

    /// <summary>
    /// Where an auth plugin that knows groups without consumers (LDAP, OAuth2 introspection) leaves them,
    /// as Kong's <c>kong.ctx.shared.authenticated_groups</c>: a list of strings.
    /// </summary>
    public const string AuthenticatedGroupsKey = "authenticated_groups";

    /// <inheritdoc />
    public override PluginSchema Schema => AclSchema.Schema;

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, AclConfig config)
    {
        var consumerId = context.ConsumerId;
        IReadOnlyList<string>? groups;
        var header = "X-Consumer-Groups";
        if (consumerId is null)
        {
            groups = AuthenticatedGroups(context);
            if (groups is null)
            {
                if (context.Credential is not null)
                {
                    context.Error(403, RefusedMessage);
                }
                else
                {
                    context.Error(401);
                }

                return;
            }

            header = "X-Authenticated-Groups";
        }
        else
        {
            // Groups an auth plugin set override an anonymous consumer's, or anyone's when asked to.
            groups = context.Credential is null || config.AlwaysUseAuthenticatedGroups ? AuthenticatedGroups(context) : null;
            if (groups is not null)
            {
                header = "X-Authenticated-Groups";
            }
            else
            {
                var rows = await context.Consumers.ListAsync(AclCredentials.Schema.Name, "consumer", consumerId);
                groups = [.. rows.Select(r => r["group"]?.GetValue<string>()).OfType<string>()];
            }
        }

        var inGroup = groups.Any(config.Groups.Contains);
        if (config.IsDeny ? inGroup : !inGroup)
        {
            context.Error(403, RefusedMessage);
            return;
        }

        if (!config.HideGroupsHeader)
        {
            context.Http.Request.Headers[header] = string.Join(", ", groups);
        }
    }

    private static IReadOnlyList<string>? AuthenticatedGroups(PluginContext context) =>
        context.Shared.TryGetValue(AuthenticatedGroupsKey, out var value) && value is IEnumerable<string> groups ? [.. groups] : null;
}
