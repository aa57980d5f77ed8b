using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.AccessControl;

/// <summary>
/// The access-control plugin's config (ours): ordered allow/deny rules on the consumer, its groups,
/// the method, path, headers and client address. The first rule whose every given condition holds
/// decides; when none matches, <c>default_action</c> does.
/// </summary>
public static class AccessControlSchema
{
    /// <summary>
    /// 955: after every authentication plugin (hmac-auth, the last, is 1030) and ip-restriction (990),
    /// so the consumer is known; before acl (950) and rate-limiting (910), so a denied request uses no quota.
    /// </summary>
    public const int Priority = 955;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("access-control", Priority, Record("config", "The access-control settings.",
        Array("rules", new Field("rule", FieldType.Record)
        {
            Fields =
            [
                Str("action", "What a matching rule does.", null, "allow", "deny") with { Required = true },
                Array("consumers", Element(), "Consumer ids or usernames; any one matches."),
                Array("consumer_groups", Element(), "Consumer groups (acl groups); any one matches."),
                Array("methods", HttpMethod("method"), "HTTP methods; any one matches."),
                Array("paths", new Field("path", FieldType.String) { Custom = v => ValidatePathPattern(v.GetValue<string>()) },
                    "Path prefixes, or regexes when prefixed with '~' (as Kong route paths); any one matches."),
                new Field("headers", FieldType.Map)
                {
                    Keys = HeaderName("name"),
                    Values = new Field("value", FieldType.String),
                    Description = "Headers that must all be present with these values.",
                },
                Array("sources", IpOrCidr("source"), "Client IP addresses or CIDR ranges; any one matches."),
            ],
        }, "The rules, tried in order.", []) with
        {
            Required = true,
        },
        Str("default_action", "What happens when no rule matches.", "deny", "allow", "deny") with { Required = true },
        Int("status", "The response status of a denied request.", 403) with { Required = true, Between = (400, 599) },
        Str("message", "The message of a denied request.", "You cannot consume this service") with { Required = true }));

    private static string? ValidatePathPattern(string pattern)
    {
        if (pattern.StartsWith('~'))
        {
            return RegexPatterns.Compile(pattern[1..]).Error is { } error ? $"invalid regex '{pattern[1..]}': {error}" : null;
        }

        return pattern.StartsWith('/') ? null : "should start with: / (or ~ for a regex)";
    }
}
