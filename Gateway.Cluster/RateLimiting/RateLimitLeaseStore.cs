using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Cluster.RateLimiting;

/// <summary>
/// Where the counter grains keep their leased totals so that they outlive a silo: the node's default Redis
/// (redis_* settings), one key per counter (<c>gateway:cluster-ratelimit:{grain key}</c>) expiring a minute after
/// its window. Fails fast: while Redis does not answer (or none is set) the grains count in memory only, as a
/// warning says, and a silo lost in that time restarts its windows' counts.
/// </summary>
public sealed partial class RateLimitLeaseStore : IDisposable
{
    private const string KeyPrefix = "gateway:cluster-ratelimit:";

    /// <summary>How long a saved total outlives its window (nodes' clocks differ a little).</summary>
    private const long GraceMs = 60_000;

    /// <summary>How long a lease waits for Redis before it counts in memory.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly Lazy<Task<ConnectionMultiplexer>>? _connection;
    private readonly ILogger<RateLimitLeaseStore> _logger;
    private int _failing;

    /// <summary>A store on the Redis <paramref name="configuration"/> (a StackExchange.Redis string) names; none when null.</summary>
    public RateLimitLeaseStore(string? configuration, ILogger<RateLimitLeaseStore> logger)
    {
        _logger = logger;
        if (configuration is not null)
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = false;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            options.ConnectTimeout = options.AsyncTimeout = (int)Timeout.TotalMilliseconds;
            _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(options));
        }
    }

    /// <summary>The saved total of <paramref name="grainKey"/> (0 when none); null when Redis does not answer.</summary>
    public Task<long?> ReadAsync(string grainKey) =>
        CallAsync(async database => (long?)await database.StringGetAsync(KeyPrefix + grainKey) ?? 0);

    /// <summary>
    /// Saves <paramref name="total"/> as the leased total of <paramref name="grainKey"/> (a whole value, not a delta: one
    /// that did not reach Redis is made good by the next); false when Redis does not answer.
    /// </summary>
    public async Task<bool> SaveAsync(string grainKey, long total, long windowEndsAtMs)
    {
        var expiry = TimeSpan.FromMilliseconds(Math.Max(GraceMs, windowEndsAtMs + GraceMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        return await CallAsync(database => database.StringSetAsync(KeyPrefix + grainKey, total, expiry)) is true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_connection is { IsValueCreated: true } && _connection.Value.IsCompletedSuccessfully)
        {
            _connection.Value.Result.Dispose();
        }
    }

    private async Task<T?> CallAsync<T>(Func<IDatabase, Task<T>> call)
        where T : struct
    {
        if (_connection is null)
        {
            return null;
        }

        try
        {
            var result = await call((await _connection.Value).GetDatabase());
            if (Interlocked.Exchange(ref _failing, 0) == 1)
            {
                LogBack(_logger);
            }

            return result;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                LogFailing(_logger, e);
            }

            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "rate-limiting: Redis does not answer; cluster counters are kept in memory only until it does")]
    private static partial void LogFailing(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "rate-limiting: Redis answers again; cluster counters are saved there")]
    private static partial void LogBack(ILogger logger);
}
