using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>The rate-limiting plugin's config (Kong 3.9 kong/plugins/rate-limiting/schema.lua).</summary>
public static class RateLimitingSchema
{
    /// <summary>Kong's rate-limiting handler PRIORITY.</summary>
    public const int Priority = 910;

    /// <summary>The windows, shortest first (Kong's ORDERED_PERIODS).</summary>
    public static readonly string[] Periods = ["second", "minute", "hour", "day", "month", "year"];

    /// <summary>Kong's sync_rate meaning "synchronous".</summary>
    public const double SyncRateRealtime = -1;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("rate-limiting", Priority, Record("config", "The rate-limiting settings.",
        [
            .. Periods.Select(p => Num(p, $"The number of HTTP requests that can be made per {p}.") with { Gt = 0 }),
            Str("limit_by", "The entity that is used when aggregating the limits.", "consumer",
                "consumer", "credential", "ip", "service", "header", "path"),
            HeaderName("header_name", description: "The header whose value is the key when limit_by is header."),
            Path("path", "The path used as the key when limit_by is path."),
            Str("policy", "The rate-limiting policy used to retrieve and increment the limits.", "local",
                "local", "cluster", "redis") with { LenMin = 0 },
            Bool("fault_tolerant", true, "Whether to proxy requests when the counters' store is unreachable."),
            RedisConfig.Field,
            Bool("hide_client_headers", false, "Whether to hide the rate-limit response headers."),
            Num("error_code", "The response code when the limit is exceeded.", 429) with { Gt = 0 },
            Str("error_message", "The message when the limit is exceeded.", "API rate limit exceeded"),
            Num("sync_rate", "How often, in seconds, to sync counters to the central store; -1 is synchronous.", SyncRateRealtime) with { Required = true },
        ]) with
    {
        Moved = RedisConfig.DeprecatedNames,
        Checks =
        [
            CheckPeriodsOrder,
            CheckSyncRate,
            ConfigChecks.AtLeastOneOf("config.", Periods),
            RedisConfig.RequiredForRedisPolicy(),
            ConfigChecks.RequiredWhen("limit_by", "header", "header_name", "config."),
            ConfigChecks.RequiredWhen("limit_by", "path", "path", "config."),
        ],
    })
    {
        // Beyond Kong (protocols_http there): on a stream route it limits connections per client address.
        AllowedProtocols = Typedefs.AllProtocols,
    };

    /// <summary>Kong's validate_periods_order: a longer window never has a lower limit.</summary>
    public static void CheckPeriodsOrder(JsonObject limits, ValidationErrors errors)
    {
        if (PeriodsOrderError(limits, "The") is { } message)
        {
            errors.Entity(message);
        }
    }

    /// <summary>
    /// The message of Kong's validate_periods_order for the first longer window with a lower limit, or null.
    /// <paramref name="lead"/> is its first word: rate-limiting says "The", response-ratelimiting "the".
    /// </summary>
    public static string? PeriodsOrderError(JsonObject limits, string lead)
    {
        for (var i = 0; i < Periods.Length; i++)
        {
            if (limits[Periods[i]] is not JsonValue lower)
            {
                continue;
            }

            for (var j = i + 1; j < Periods.Length; j++)
            {
                if (limits[Periods[j]] is JsonValue upper && JsonNumbers.ToDouble(upper) < JsonNumbers.ToDouble(lower))
                {
                    return string.Format(CultureInfo.InvariantCulture,
                        "{0} limit for {1}({2:F1}) cannot be lower than the limit for {3}({4:F1})",
                        lead, Periods[j], JsonNumbers.ToDouble(upper), Periods[i], JsonNumbers.ToDouble(lower));
                }
            }
        }

        return null;
    }

    private static void CheckSyncRate(JsonObject config, ValidationErrors errors)
    {
        var syncRate = config["sync_rate"] is JsonValue s ? JsonNumbers.ToDouble(s) : SyncRateRealtime;
        var redis = ConfigChecks.IsString(config["policy"], "redis");
        if (!redis && syncRate != SyncRateRealtime)
        {
            errors.Entity("sync_rate can only be used with the redis policy");
        }
        else if (redis && syncRate != SyncRateRealtime && syncRate < 0.02)
        {
            errors.Entity("sync_rate must be greater than 0.02, or -1 to disable");
        }
    }
}
