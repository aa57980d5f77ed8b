using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.RateLimiting;
using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Node.Plugins.ResponseRateLimiting;

/// <summary>
/// Kong's response-ratelimiting (kong/plugins/response-ratelimiting/{access,header_filter,log}.lua): the
/// upstream reports what a request cost in named units (<c>X-Kong-Limit: videos=2</c>); usage is read in
/// access, shown to the client in header_filter, and counted after the response. A request whose
/// reported unit is already used up is answered 429 (without a body of its own), as in Kong.
/// </summary>
public sealed partial class ResponseRateLimitingPlugin(PluginServices services) : GatewayPlugin<ResponseRateLimitingConfig>
{
    private const string SharedKey = "response-ratelimiting:usage";

    private readonly UsageCounters.Local _local = new(new LocalRateLimitCounters());
    private readonly UsageCounters.RedisConnections _redis = new();
    private UsageCounters.Cluster? _cluster;
    private ILogger? _logger;

    /// <inheritdoc />
    public override PluginSchema Schema => ResponseRateLimitingSchema.Schema;

    /// <inheritdoc />
    protected override ResponseRateLimitingConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = config.Deserialize<ResponseRateLimitingConfig>(ConfigJson) ?? throw new JsonException("response-ratelimiting: config is null");
        var compiled = read.Limits.Select(limit => (limit.Key, (WindowLimit[])[.. RateLimitingSchema.Periods
            .Select((period, index) => (period, index))
            .Where(p => limit.Value.TryGetValue(p.period, out var value) && value is not null)
            .Select(p => new WindowLimit(p.index, (long)Math.Floor(limit.Value[p.period]!.Value)))])).ToList();
        return read with { Compiled = compiled, Scope = RateLimitKeys.Scope(instance) };
    }

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, ResponseRateLimitingConfig config)
    {
        if (config.Compiled.Count == 0)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var prefix = $"response-ratelimit:{config.Scope}:{RateLimitKeys.Identifier(context, config.LimitBy)}";
        var counters = CountersFor(config);
        var usage = new Usage(prefix, now, new long[config.Compiled.Count][]);
        try
        {
            for (var i = 0; i < config.Compiled.Count; i++)
            {
                var (name, windows) = config.Compiled[i];
                var remaining = usage.Remaining[i] = new long[windows.Length];
                for (var j = 0; j < windows.Length; j++)
                {
                    remaining[j] = windows[j].Limit - await counters.UsageAsync($"{prefix}:{name}", windows[j].Period, now);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogUsageFailed(Logger, e, config.Policy);
            if (!config.FaultTolerant)
            {
                context.Error(500, "An unexpected error occurred");
            }

            return;
        }

        for (var i = 0; i < config.Compiled.Count; i++)
        {
            var name = config.Compiled[i].Name;
            var remaining = usage.Remaining[i];
            if (config.BlockOnFirstViolation && remaining.Any(r => r <= 0))
            {
                context.Error(429, $"API rate limit exceeded for '{name}'");
                return;
            }

            context.Http.Request.Headers["X-RateLimit-Remaining-" + name] = RateLimitHeaders.Text(remaining.Min());
        }

        context.Shared[SharedKey] = usage;
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, ResponseRateLimitingConfig config)
    {
        var response = context.Http.Response;
        var increments = Parse(response.Headers[config.HeaderName], config);
        response.Headers.Remove(config.HeaderName);
        if (!context.Shared.TryGetValue(SharedKey, out var value) || value is not Usage usage)
        {
            return;
        }

        var stop = false;
        for (var i = 0; i < config.Compiled.Count; i++)
        {
            var (name, windows) = config.Compiled[i];
            var increment = increments?[i] ?? 0;
            for (var j = 0; j < windows.Length; j++)
            {
                var remaining = usage.Remaining[i][j];
                if (!config.HideClientHeaders)
                {
                    var period = RateLimitingSchema.Periods[windows[j].Period];
                    response.Headers[$"X-RateLimit-Limit-{name}-{period}"] = windows[j].LimitText;
                    response.Headers[$"X-RateLimit-Remaining-{name}-{period}"] = RateLimitHeaders.Text(Math.Max(0, remaining - increment));
                }

                stop |= increment > 0 && remaining <= 0;
            }
        }

        if (stop)
        {
            // Kong answers 429 from header_filter and counts nothing for this request.
            response.StatusCode = 429;
            return;
        }

        if (increments is not null)
        {
            _ = CountAsync(CountersFor(config), config, usage, increments);
        }
    }

    /// <summary>Kong's parse_header: "name=count" pairs, comma separated, for configured names only.</summary>
    private static long[]? Parse(Microsoft.Extensions.Primitives.StringValues header, ResponseRateLimitingConfig config)
    {
        long[]? increments = null;
        foreach (var line in header)
        {
            foreach (var part in (line ?? "").Split(','))
            {
                var pair = part.Split('=');
                if (pair.Length != 2)
                {
                    continue;
                }

                var name = pair[0].Trim();
                for (var i = 0; i < config.Compiled.Count; i++)
                {
                    // Kong takes any number, a negative one too (it then lowers the usage).
                    if (config.Compiled[i].Name == name && long.TryParse(pair[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
                    {
                        increments ??= new long[config.Compiled.Count];
                        increments[i] = count;
                    }
                }
            }
        }

        return increments;
    }

    /// <summary>Kong's log phase: adds each reported unit count to every window of its name.</summary>
    private async Task CountAsync(IUsageCounters counters, ResponseRateLimitingConfig config, Usage usage, long[] increments)
    {
        try
        {
            for (var i = 0; i < config.Compiled.Count; i++)
            {
                if (increments[i] == 0)
                {
                    continue;
                }

                var (name, windows) = config.Compiled[i];
                foreach (var window in windows)
                {
                    await counters.AddAsync($"{usage.Prefix}:{name}", window.Period, usage.Now, increments[i]);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogIncrementFailed(Logger, e, config.Policy);
        }
    }

    private IUsageCounters CountersFor(ResponseRateLimitingConfig config) => config.Policy switch
    {
        "redis" => _redis.For(config.Redis ?? new RedisSettings()),
        "cluster" => _cluster ??= new UsageCounters.Cluster(services.Get<Orleans.IGrainFactory>()),
        _ => _local,
    };

    private ILogger Logger => _logger ??= services.Find<ILoggerFactory>()?.CreateLogger<ResponseRateLimitingPlugin>() ?? NullLogger<ResponseRateLimitingPlugin>.Instance;

    [LoggerMessage(Level = LogLevel.Error, Message = "response-ratelimiting: failed to get usage from the {Policy} policy")]
    private static partial void LogUsageFailed(ILogger logger, Exception exception, string policy);

    [LoggerMessage(Level = LogLevel.Error, Message = "response-ratelimiting: failed to count usage in the {Policy} policy")]
    private static partial void LogIncrementFailed(ILogger logger, Exception exception, string policy);

    /// <summary>What access read: per limit name, per window, the units left.</summary>
    private sealed record Usage(string Prefix, long Now, long[][] Remaining);
}
