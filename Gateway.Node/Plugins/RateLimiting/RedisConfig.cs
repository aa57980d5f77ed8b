using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>
/// The shared <c>redis</c> record of the rate-limiting plugins, as Kong's kong/tools/redis/schema.lua.
/// </summary>
public static class RedisConfig
{
    /// <summary>The <c>redis</c> field: connection settings used when <c>policy</c> is "redis".</summary>
    public static Field Field { get; } = Record("redis", "Redis connection settings for the redis policy.",
        Host("host", "A string representing a host name, such as example.com."),
        Port("port", "An integer representing a port number between 0 and 65535, inclusive."),
        Timeout("timeout", "A timeout in milliseconds.", 2000),
        Str("username", "Username for Redis ACL authentication (Redis 6+); no ACL authentication when unset.") with { Referenceable = true },
        Str("password", "Password for Redis connections; no AUTH command when unset.") with { LenMin = 0, Referenceable = true },
        Int("database", "Database to use for the Redis connection.", 0),
        Bool("ssl", false, "If true, uses TLS to connect to Redis.") with { Required = false },
        Bool("ssl_verify", false, "If true, verifies the Redis server certificate.") with { Required = false },
        Sni("server_name", "The server name for TLS SNI and certificate verification.")) with
    {
        Checks = [ConfigChecks.MutuallyRequired("", "host", "port")],
    };

    /// <summary>
    /// The flat names Kong 3.9 still accepts, deprecated, on the config of the plugins that hold this record
    /// (kong.yml files from before 3.6 use them): <c>redis_host</c> is <c>redis.host</c>, and so on.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> DeprecatedNames { get; } = new Dictionary<string, string[]>
    {
        ["redis_host"] = ["redis", "host"],
        ["redis_port"] = ["redis", "port"],
        ["redis_timeout"] = ["redis", "timeout"],
        ["redis_username"] = ["redis", "username"],
        ["redis_password"] = ["redis", "password"],
        ["redis_database"] = ["redis", "database"],
        ["redis_ssl"] = ["redis", "ssl"],
        ["redis_ssl_verify"] = ["redis", "ssl_verify"],
        ["redis_server_name"] = ["redis", "server_name"],
    };

    /// <summary>
    /// Kong's three conditionals "policy = redis requires redis.host, redis.port, redis.timeout",
    /// reported under <c>redis</c> as Kong nests them.
    /// </summary>
    public static EntityCheck RequiredForRedisPolicy() => (config, errors) =>
    {
        if (!ConfigChecks.IsString(config["policy"], "redis"))
        {
            return;
        }

        var redis = config["redis"] as JsonObject;
        var nested = new ValidationErrors();
        foreach (var name in (string[])["host", "port", "timeout"])
        {
            if (redis?[name] is null)
            {
                nested.Field(name, "required field missing");
            }
        }

        errors.Nested("redis", nested);
    };
}
