using System.Text.Json.Nodes;
using Gateway.Node.Plugins.RateLimiting;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.ResponseRateLimiting;

/// <summary>The response-ratelimiting plugin's config (Kong 3.9 kong/plugins/response-ratelimiting/schema.lua).</summary>
public static class ResponseRateLimitingSchema
{
    /// <summary>Kong's response-ratelimiting handler PRIORITY.</summary>
    public const int Priority = 900;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("response-ratelimiting", Priority, Record("config", "The response-ratelimiting settings.",
        Str("header_name", "The header the upstream uses to report usage (\"name=count\").", "x-kong-limit"),
        Str("limit_by", "The entity that is used when aggregating the limits.", "consumer", "consumer", "credential", "ip"),
        Str("policy", "The rate-limiting policy used to retrieve and increment the limits.", "local",
            "local", "cluster", "redis") with
        { LenMin = 0 },
        Bool("fault_tolerant", true, "Whether to proxy requests when the counters' store is unreachable."),
        RedisConfig.Field,
        Bool("block_on_first_violation", false, "Whether to block a request as soon as any limit is exceeded."),
        Bool("hide_client_headers", false, "Whether to hide the rate-limit response headers."),
        new Field("limits", FieldType.Map)
        {
            Required = true,
            LenMin = 1,
            Keys = new Field("name", FieldType.String),
            Values = new Field("limit", FieldType.Record)
            {
                Fields = [.. RateLimitingSchema.Periods.Select(p => Num(p, $"The number of units per {p}.") with { Gt = 0 })],
                Checks = [ConfigChecks.AtLeastOneOf("", RateLimitingSchema.Periods)],

                // Kong's custom_validator on the limit record: its lower-case message becomes limits' whole error.
                Custom = limit => limit is JsonObject windows ? RateLimitingSchema.PeriodsOrderError(windows, "the") : null,
            },
            Description = "The limits per named usage counter, each with at least one window.",
        }) with
    {
        Moved = RedisConfig.DeprecatedNames,
        Checks = [RedisConfig.RequiredForRedisPolicy()],
    });
}
