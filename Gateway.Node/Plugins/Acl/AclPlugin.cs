using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Acl;

/// <summary>
/// Kong's acl (kong/plugins/acl/handler.lua): after the auth plugins, lets a request in only when its
/// consumer's groups (<see cref="ConsumerGroups"/>)
/// pass the allow or deny list; tells the upstream the groups in X-Consumer-Groups (or
/// X-Authenticated-Groups). Refusals are 403 "You cannot consume this service"; a request with no
/// consumer at all, or an anonymous consumer in no group meeting an allow list, gets 401.
/// </summary>
public sealed class AclPlugin : GatewayPlugin<AclConfig>
{
    /// <summary>Kong's refusal.</summary>
    public const string RefusedMessage = "You cannot consume this service";

    /// <inheritdoc />
    public override PluginSchema Schema => AclSchema.Schema;

    /// <inheritdoc />
    public override IReadOnlyList<EntitySchema> Entities { get; } = [AclCredentials.Schema];

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, AclConfig config)
    {
        var consumerId = context.ConsumerId;
        IReadOnlyList<string>? groups;
        var header = "X-Consumer-Groups";
        if (consumerId is null)
        {
            groups = ConsumerGroups.Authenticated(context);
            if (groups is null)
            {
                Refuse(context);
                return;
            }

            header = "X-Authenticated-Groups";
        }
        else
        {
            // Groups an auth plugin set override an anonymous consumer's, or anyone's when asked to.
            groups = context.Credential is null || config.AlwaysUseAuthenticatedGroups ? ConsumerGroups.Authenticated(context) : null;
            if (groups is not null)
            {
                header = "X-Authenticated-Groups";
            }
            else
            {
                groups = await ConsumerGroups.OfConsumerAsync(context, consumerId);
                if (groups.Count == 0 && !config.IsDeny)
                {
                    // Kong (PR #5452): a consumer in no group at all fails an allow list as unauthenticated
                    // when it has no credential (an anonymous consumer), else as forbidden.
                    Refuse(context);
                    return;
                }
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

    /// <summary>Kong's refusal of a request it cannot judge by groups: 403 with a credential, 401 without.</summary>
    private static void Refuse(PluginContext context)
    {
        if (context.Credential is not null)
        {
            context.Error(403, RefusedMessage);
        }
        else
        {
            context.Error(401);
        }
    }
}
