using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.BotDetection;

/// <summary>
/// Kong's bot-detection (kong/plugins/bot-detection/handler.lua): a User-Agent matching an allow
/// regex passes; one matching a deny regex or a known bot gets 403 "Forbidden"; two User-Agent headers
/// get 400 "Only one User-Agent header allowed". Verdicts are cached per config and agent, as Kong's LRU.
/// </summary>
public sealed class BotDetectionPlugin : GatewayPlugin<BotDetectionConfig>
{
    private const int CacheSize = 10_000;

    private readonly ConditionalWeakTable<BotDetectionConfig, ConcurrentDictionary<string, bool>> _verdicts = [];

    /// <inheritdoc />
    public override PluginSchema Schema => BotDetectionSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, BotDetectionConfig config)
    {
        var agents = context.Http.Request.Headers.UserAgent;
        if (agents.Count > 1)
        {
            context.Error(400, "Only one User-Agent header allowed");
            return ValueTask.CompletedTask;
        }

        if (agents.Count == 0 || agents[0] is not { } agent)
        {
            return ValueTask.CompletedTask;
        }

        var cache = _verdicts.GetOrCreateValue(config);
        if (!cache.TryGetValue(agent, out var denied))
        {
            denied = IsDenied(agent.Trim(), config);
            if (cache.Count < CacheSize)
            {
                cache[agent] = denied;
            }
        }

        if (denied)
        {
            context.Error(403);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    protected override BotDetectionConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        return read with { AllowRules = [.. read.Allow.Select(BotRules.Compile)], DenyRules = [.. read.Deny.Select(BotRules.Compile)] };
    }

    private static bool IsDenied(string agent, BotDetectionConfig config)
    {
        if (Any(config.AllowRules, agent))
        {
            return false;
        }

        return Any(config.DenyRules, agent) || Any(BotRules.Bots, agent);
    }

    private static bool Any(IReadOnlyList<Regex> rules, string agent)
    {
        foreach (var rule in rules)
        {
            try
            {
                if (rule.IsMatch(agent))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological agent against a backtracking rule: treat as no match, as a failed re_find.
            }
        }

        return false;
    }
}
