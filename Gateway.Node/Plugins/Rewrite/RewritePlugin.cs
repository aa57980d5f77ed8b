using System.Text.Json.Nodes;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Rewrite;

/// <summary>
/// Ours: the first rule whose regex matches the request path (as the router saw it, without the query)
/// rewrites what goes upstream. <c>path</c> replaces the whole upstream path (the service path and
/// strip_path no longer apply), percent-escaped; <c>query</c> replaces the query (empty removes it);
/// <c>host</c> sets the Host header sent upstream; <c>headers</c> set request headers. Every template
/// may use the match's captures: <c>$1</c>, <c>${name}</c>, and <c>$$</c> for a dollar sign.
/// </summary>
public sealed class RewritePlugin : GatewayPlugin<RewriteConfig>
{
    /// <inheritdoc />
    public override PluginSchema Schema => RewriteSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, RewriteConfig config)
    {
        foreach (var rule in config.Rules)
        {
            var match = rule.Regex.Match(context.Path);
            if (!match.Success)
            {
                continue;
            }

            if (rule.Path is { } path)
            {
                var rewritten = match.Result(path);
                context.UpstreamPath = UriNormalizer.Escape(rewritten.StartsWith('/') ? rewritten : "/" + rewritten);
            }

            if (rule.Query is { } query)
            {
                var rewritten = match.Result(query).TrimStart('?');
                context.UpstreamQuery = rewritten.Length == 0 ? "" : "?" + rewritten;
            }

            if (rule.Host is { } host)
            {
                context.UpstreamHost = match.Result(host);
            }

            foreach (var (name, value) in rule.Headers ?? [])
            {
                context.Http.Request.Headers[name] = value.Length == 0 ? value : match.Result(value);
            }

            break;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    protected override RewriteConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        return read with
        {
            Rules = [.. read.Rules.Select(rule => rule with
            {
                Regex = RegexPatterns.Compile(rule.Match).Regex
                    ?? throw new System.Text.Json.JsonException($"rewrite: invalid regex '{rule.Match}'"),
            })],
        };
    }
}
