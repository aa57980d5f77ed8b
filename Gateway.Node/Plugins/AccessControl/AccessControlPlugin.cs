using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Acl;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.AccessControl;

/// <summary>
/// Ours: the first rule whose every given condition holds decides (allow or deny); with none,
/// <c>default_action</c> does. A denial answers <c>status</c> with <c>{"message": ..., "denied_by": ...}</c>,
/// where <c>denied_by</c> is <c>rules[N]</c> (1-based) or <c>default_action</c>. Conditions: consumer
/// (id or username), consumer group (the consumer's acl groups, or those an auth plugin set: <see cref="ConsumerGroups"/>), method, path (prefix by segment, or '~' regex), header values
/// (all must be equal) and client address (IP or CIDR). Compiled per config version, so changes apply on the next request.
/// </summary>
public sealed class AccessControlPlugin : GatewayPlugin<AccessControlConfig>
{
    /// <inheritdoc />
    public override PluginSchema Schema => AccessControlSchema.Schema;

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, AccessControlConfig config)
    {
        // Groups cost a lookup: read them once, and only for a config that has a rule on them.
        IReadOnlyList<string> groups = config.Rules.Any(r => r.ConsumerGroups is { Length: > 0 }) ? await GroupsAsync(context) : [];
        for (var i = 0; i < config.Rules.Length; i++)
        {
            var rule = config.Rules[i];
            if (Matches(context, rule, groups))
            {
                if (rule.Action == "deny")
                {
                    Deny(context, config, $"rules[{i + 1}]");
                }

                return;
            }
        }

        if (config.DefaultAction == "deny")
        {
            Deny(context, config, "default_action");
        }
    }

    /// <inheritdoc />
    protected override AccessControlConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        return read with
        {
            Rules = [.. read.Rules.Select(rule => rule with
            {
                PathPrefixes = [.. (rule.Paths ?? []).Where(p => !p.StartsWith('~'))],
                PathRegexes = [.. (rule.Paths ?? []).Where(p => p.StartsWith('~'))
                    .Select(p => RegexPatterns.Compile(p[1..]).Regex ?? throw new System.Text.Json.JsonException($"access-control: invalid regex '{p[1..]}'"))],
                Networks = IpNetworks.Parse(rule.Sources),
            })],
        };
    }

    private static void Deny(PluginContext context, AccessControlConfig config, string deniedBy) =>
        context.Exit(config.Status, new JsonObject { ["message"] = config.Message, ["denied_by"] = deniedBy });

    private static async ValueTask<IReadOnlyList<string>> GroupsAsync(PluginContext context) =>
        ConsumerGroups.Authenticated(context)
        ?? (context.ConsumerId is { } consumerId ? await ConsumerGroups.OfConsumerAsync(context, consumerId) : []);

    private static bool Matches(PluginContext context, AccessRule rule, IReadOnlyList<string> groups)
    {
        var request = context.Http.Request;
        if (rule.Consumers is { Length: > 0 } consumers)
        {
            var id = context.ConsumerId;
            var username = context.Consumer?["username"]?.GetValue<string>();
            if (!consumers.Any(c => c == id || c == username))
            {
                return false;
            }
        }

        if (rule.ConsumerGroups is { Length: > 0 } wanted && !wanted.Any(groups.Contains))
        {
            return false;
        }

        if (rule.Methods is { Length: > 0 } methods && !methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        if ((rule.PathPrefixes.Length > 0 || rule.PathRegexes.Length > 0)
            && !rule.PathPrefixes.Any(p => IsUnder(context.Path, p)) && !rule.PathRegexes.Any(r => r.IsMatch(context.Path)))
        {
            return false;
        }

        foreach (var (name, expected) in rule.Headers ?? [])
        {
            if (!request.Headers.TryGetValue(name, out var actual) || !actual.Any(v => v == expected))
            {
                return false;
            }
        }

        if (rule.Networks.Length > 0 && (IpNetworks.ClientAddress(context) is not { } client || !IpNetworks.Contains(rule.Networks, client)))
        {
            return false;
        }

        return true;
    }

    /// <summary>A prefix covers itself and what is below it: "/admin" covers "/admin/x", not "/administrator".</summary>
    private static bool IsUnder(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal)
        && (prefix.EndsWith('/') || path.Length == prefix.Length || path[prefix.Length] == '/');
}
