using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Observability;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>
/// Kong's rate-limiting (kong/plugins/rate-limiting/handler.lua): counts requests per key (consumer,
/// credential, ip, service, header or path) in fixed windows from a second to a year and refuses with
/// <c>error_code</c>/<c>error_message</c> once a window is full. Counters live in the node (<c>local</c>),
/// in the cluster's counter grains (<c>cluster</c>) or in Redis (<c>redis</c>).
/// </summary>
public sealed partial class RateLimitingPlugin(PluginServices services) : GatewayPlugin<RateLimitingConfig>
{
    private const string SharedKey = "rate-limiting:headers";

    private readonly LocalRateLimitCounters _local = new();
    private readonly RedisRateLimitCounters _redis = new();
    private ClusterRateLimitCounters? _cluster;
    private ILogger? _logger;
    private GatewayMetrics? _metrics;

    /// <inheritdoc />
    public override PluginSchema Schema => RateLimitingSchema.Schema;

    /// <summary>The node-local counters (the local policy, and the fallback of a failing redis policy).</summary>
    public LocalRateLimitCounters Local => _local;

    /// <inheritdoc />
    protected override RateLimitingConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = config.Deserialize<RateLimitingConfig>(ConfigJson) ?? throw new JsonException("rate-limiting: config is null");
        double?[] limits = [read.Second, read.Minute, read.Hour, read.Day, read.Month, read.Year];
        var windows = new List<WindowLimit>();
        for (var i = 0; i < limits.Length; i++)
        {
            if (limits[i] is { } limit)
            {
                windows.Add(new WindowLimit(i, (long)Math.Floor(limit)));
            }
        }

        return read with { Windows = [.. windows], Scope = RateLimitKeys.Scope(instance) };
    }

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, RateLimitingConfig config)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var key = $"{config.Scope}:{RateLimitKeys.Identifier(context, config.LimitBy, config.HeaderName, config.Path)}";
        var (decision, failed) = await DecideAsync(config, key, now);
        if (failed)
        {
            context.Error(500, "An unexpected error occurred");
            return;
        }

        if (decision is null)
        {
            return;
        }

        List<KeyValuePair<string, string>>? headers = null;
        long reset = 0;
        if (!config.HideClientHeaders)
        {
            headers = RateLimitHeaders.Build(config.Windows, decision, now, out reset);
        }

        if (!decision.Admitted)
        {
            headers ??= [];
            if (!config.HideClientHeaders)
            {
                headers.Add(new("Retry-After", RateLimitHeaders.Text(reset)));
            }

            context.Error((int)config.ErrorCode, config.ErrorMessage, headers);
            return;
        }

        if (headers is not null)
        {
            context.Shared[SharedKey] = headers;
        }
    }

    /// <summary>
    /// Beyond Kong: on a stream route, each connection (or UDP session) counts as a request, limited per client address
    /// (or per service with limit_by = service); past the limit the connection is closed.
    /// </summary>
    public override async ValueTask PrereadAsync(StreamContext context, RateLimitingConfig config)
    {
        var identifier = config.LimitBy == "service" && context.Service?["id"]?.GetValue<string>() is { } service ? service : context.ClientAddress.ToString();
        var (decision, failed) = await DecideAsync(config, $"{config.Scope}:{identifier}", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (failed)
        {
            context.Exit(500, "An unexpected error occurred");
        }
        else if (decision is { Admitted: false })
        {
            context.Exit((int)config.ErrorCode, config.ErrorMessage);
        }
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, RateLimitingConfig config)
    {
        // Kong sets these in access (kong.response.set_headers), so an answer a later plugin gives carries them too.
        if (context.Shared.TryGetValue(SharedKey, out var value) && value is List<KeyValuePair<string, string>> headers)
        {
            var response = context.Http.Response.Headers;
            foreach (var (name, text) in headers)
            {
                response[name] = text;
            }
        }
    }

    private IRateLimitCounters CountersFor(RateLimitingConfig config) => config.Policy switch
    {
        "redis" => _redis.For(config.Redis ?? new RedisSettings()),
        "cluster" => _cluster ?? CreateCluster(),
        _ => _local,
    };

    /// <summary>
    /// The cluster counters, made once: two made by concurrent first requests would each lease quota, and what the
    /// one not kept still held would be lost to the window.
    /// </summary>
    private ClusterRateLimitCounters CreateCluster()
    {
        Interlocked.CompareExchange(ref _cluster, new ClusterRateLimitCounters(services.Get<Orleans.IGrainFactory>()), null);
        return _cluster;
    }

    /// <summary>The node's gateway_ metrics; null before the node has started (and in tests that run the plugin alone).</summary>
    private GatewayMetrics? Metrics => _metrics ??= services.Find<GatewayMetrics>();

    private ILogger Logger => _logger ??= services.Find<ILoggerFactory>()?.CreateLogger<RateLimitingPlugin>() ?? NullLogger<RateLimitingPlugin>.Instance;

    /// <summary>
    /// Counts one request against the policy's counters. When they fail, a config that is not fault tolerant gets
    /// <c>Failed</c>; a fault-tolerant one goes on unlimited (no decision), except the redis policy, which falls back to
    /// this node's counters.
    /// </summary>
    private async ValueTask<(RateLimitDecision? Decision, bool Failed)> DecideAsync(RateLimitingConfig config, string key, long now)
    {
        try
        {
            var decision = await CountersFor(config).ConsumeAsync(key, config.Windows, now, 1);
            Metrics?.RateLimitDecided(config.Policy, decision.Admitted ? RateLimitOutcome.Allowed : RateLimitOutcome.Rejected);
            return (decision, false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Metrics?.RateLimitDecided(config.Policy, RateLimitOutcome.Error);
            LogUsageFailed(Logger, e, config.Policy);
            if (!config.FaultTolerant)
            {
                return (null, true);
            }

            // Kong proxies without limits when the store fails; the brief asks the redis policy to
            // keep limiting per node instead.
            return (config.Policy == "redis" ? _local.Consume(key, config.Windows, now, 1) : null, false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "rate-limiting: failed to get usage from the {Policy} policy")]
    private static partial void LogUsageFailed(ILogger logger, Exception exception, string policy);
}
