using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>
/// The <c>redis</c> policy: one Lua script per check, run atomically by Redis, reads every window's
/// counter and adds the request to all of them only when each has room. Keys are Kong's
/// (<c>ratelimit:{route}:{service}:{identifier}:{window start}:{period}</c>) and expire with their window.
/// One connection per distinct <c>redis</c> record, shared by every config that names it.
/// </summary>
public sealed class RedisRateLimitCounters
{
    /// <summary>KEYS: the windows' counters. ARGV[1]: the cost; then per key its limit and time to live in seconds.
    /// Returns the counts (after the add when admitted, before it when not), then the 1-based refusing window or 0.</summary>
    private const string Script = """
        local cost = tonumber(ARGV[1])
        local used = {}
        local stop = 0
        for i = 1, #KEYS do
          local current = tonumber(redis.call('GET', KEYS[i]) or '0')
          used[i] = current
          if stop == 0 and current + cost > tonumber(ARGV[i * 2]) then
            stop = i
          end
        end
        if stop == 0 then
          for i = 1, #KEYS do
            used[i] = redis.call('INCRBY', KEYS[i], cost)
            if used[i] == cost then
              redis.call('EXPIRE', KEYS[i], tonumber(ARGV[i * 2 + 1]))
            end
          end
        end
        used[#KEYS + 1] = stop
        return used
        """;

    private readonly ConcurrentDictionary<RedisSettings, Store> _stores = new();

    /// <summary>The counters in the Redis that <paramref name="settings"/> names.</summary>
    public IRateLimitCounters For(RedisSettings settings) => _stores.GetOrAdd(settings, static s => new Store(s));

    /// <summary>One Redis server's counters.</summary>
    private sealed class Store(RedisSettings settings) : IRateLimitCounters
    {
        private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectAsync(settings));

        public async ValueTask<RateLimitDecision> ConsumeAsync(string key, WindowLimit[] windows, long nowMs, long cost)
        {
            var connection = await _connection.Value;
            var keys = new RedisKey[windows.Length];
            var args = new RedisValue[(windows.Length * 2) + 1];
            args[0] = cost;
            for (var i = 0; i < windows.Length; i++)
            {
                var period = windows[i].Period;
                var start = RateLimitPeriods.WindowStart(period, nowMs);
                keys[i] = string.Create(CultureInfo.InvariantCulture, $"ratelimit:{key}:{start}:{RateLimitingSchema.Periods[period]}");
                args[(i * 2) + 1] = windows[i].Limit;
                args[(i * 2) + 2] = RateLimitPeriods.Seconds[period] + 1;
            }

            var result = (RedisResult[])(await connection.GetDatabase(settings.Database).ScriptEvaluateAsync(Script, keys, args))!;
            var used = new long[windows.Length];
            for (var i = 0; i < windows.Length; i++)
            {
                used[i] = (long)result[i];
            }

            var stop = (int)result[windows.Length] - 1;
            return new RateLimitDecision(stop < 0, used, stop);
        }
    }

    /// <summary>Connects to the Redis <paramref name="settings"/> names, failing fast while it is unreachable.</summary>
    public static Task<ConnectionMultiplexer> ConnectAsync(RedisSettings settings)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { settings.Host ?? "127.0.0.1", settings.Port ?? 6379 } },
            ConnectTimeout = settings.Timeout,
            SyncTimeout = settings.Timeout,
            AsyncTimeout = settings.Timeout,
            User = settings.Username,
            Password = settings.Password,
            DefaultDatabase = settings.Database,
            Ssl = settings.Ssl ?? false,
            SslHost = settings.ServerName,

            // A check must not wait for a reconnect: fail at once and let fault_tolerant decide.
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
        };
        if (settings.Ssl == true && settings.SslVerify != true)
        {
            options.CertificateValidation += (_, _, _, _) => true;
        }

        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
