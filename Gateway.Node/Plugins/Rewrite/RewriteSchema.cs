using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Rewrite;

/// <summary>
/// The rewrite plugin's config (ours; no Kong equivalent): ordered rules, each a regex on the request
/// path and replacements for the path, query, host and headers. The first matching rule applies.
/// </summary>
public static class RewriteSchema
{
    /// <summary>
    /// 802: after authentication, ACL and rate limiting (which judge the request as the client sent
    /// it), and just before request-transformer (801), whose edits then apply to the rewritten request.
    /// </summary>
    public const int Priority = 802;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("rewrite", Priority, Record("config", "The rewrite settings.",
        Array("rules", new Field("rule", FieldType.Record)
        {
            Fields =
            [
                new Field("match", FieldType.String)
                {
                    Required = true,
                    Custom = v => ValidatePattern(v.GetValue<string>()),
                    Description = "A regex on the request path; named and numbered groups are captured.",
                },
                Str("path", "The new path; $1 or ${name} insert captures, $$ a dollar sign."),
                Str("query", "The new query string (without '?'), with the same captures; unchanged when unset.") with { LenMin = 0 },
                Str("host", "The new Host header sent upstream, with the same captures."),
                new Field("headers", FieldType.Map)
                {
                    Keys = HeaderName("name"),
                    Values = new Field("value", FieldType.String) { LenMin = 0 },
                    Description = "Headers added or replaced on the upstream request, with the same captures.",
                },
            ],
        }, "The rules, tried in order; the first whose match succeeds is applied.") with
        {
            Required = true,
            LenMin = 1,
        }));

    /// <summary>The regex must compile; the message names the pattern and the parser's reason.</summary>
    private static string? ValidatePattern(string pattern) =>
        RegexPatterns.Compile(pattern).Error is { } error ? $"invalid regex '{pattern}': {error}" : null;
}
