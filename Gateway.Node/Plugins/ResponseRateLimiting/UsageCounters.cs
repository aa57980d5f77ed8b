using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Cluster.RateLimiting;
using Gateway.Node.Plugins.RateLimiting;
using Orleans;
using StackExchange.Redis;

namespace Gateway.Node.Plugins.ResponseRateLimiting;

/// <summary>The three policies' <see cref="IUsageCounters"/>.</summary>
public static class UsageCounters
{
    /// <summary>The local policy: this node's lock-free counters.</summary>
    public sealed class Local(LocalRateLimitCounters counters) : IUsageCounters
    {
        /// <inheritdoc />
        public ValueTask<long> UsageAsync(string key, int period, long nowMs) => ValueTask.FromResult(counters.Usage(key, period, nowMs));

        /// <inheritdoc />
        public ValueTask AddAsync(string key, int period, long nowMs, long units)
        {
            counters.Add(key, period, nowMs, units);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The cluster policy: a plain count on the window's counter grain.</summary>
    public sealed class Cluster(IGrainFactory grains) : IUsageCounters
    {
        /// <inheritdoc />
        public async ValueTask<long> UsageAsync(string key, int period, long nowMs) => await Grain(key, period, nowMs).CountAsync();

        /// <inheritdoc />
        public async ValueTask AddAsync(string key, int period, long nowMs, long units) => await Grain(key, period, nowMs).AddAsync(units);

        private IRateLimitCounterGrain Grain(string key, int period, long nowMs) =>
            grains.GetGrain<IRateLimitCounterGrain>(RedisStore.Key(key, period, nowMs));
    }

    /// <summary>The redis policy: GET, and INCRBY with the window's expiry in one script.</summary>
    public sealed class RedisStore(Func<Task<ConnectionMultiplexer>> connection, int database) : IUsageCounters
    {
        private const string AddScript = """
            local count = redis.call('INCRBY', KEYS[1], ARGV[1])
            if count == tonumber(ARGV[1]) then
              redis.call('EXPIRE', KEYS[1], ARGV[2])
            end
            return count
            """;

        /// <summary>A window's key: <paramref name="key"/> (<c>response-ratelimit:{route}:{service}:{identifier}:{name}</c>), the window start and the period.</summary>
        public static string Key(string key, int period, long nowMs) =>
            string.Create(CultureInfo.InvariantCulture, $"{key}:{RateLimitPeriods.WindowStart(period, nowMs)}:{RateLimitingSchema.Periods[period]}");

        /// <inheritdoc />
        public async ValueTask<long> UsageAsync(string key, int period, long nowMs)
        {
            var value = await (await connection()).GetDatabase(database).StringGetAsync(Key(key, period, nowMs));
            return value.IsNull ? 0 : (long)value;
        }

        /// <inheritdoc />
        public async ValueTask AddAsync(string key, int period, long nowMs, long units) =>
            await (await connection()).GetDatabase(database).ScriptEvaluateAsync(
                AddScript, [Key(key, period, nowMs)], [units, RateLimitPeriods.Seconds[period] + 1]);
    }

    /// <summary>One shared connection per distinct <c>redis</c> record.</summary>
    public sealed class RedisConnections
    {
        private readonly ConcurrentDictionary<RedisSettings, RedisStore> _stores = new();

        /// <summary>The counters in the Redis <paramref name="settings"/> names.</summary>
        public IUsageCounters For(RedisSettings settings) => _stores.GetOrAdd(settings, static s =>
        {
            var connection = new Lazy<Task<ConnectionMultiplexer>>(() => RedisRateLimitCounters.ConnectAsync(s));
            return new RedisStore(() => connection.Value, s.Database);
        });
    }
}
