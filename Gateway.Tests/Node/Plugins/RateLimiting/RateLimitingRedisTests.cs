using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.RateLimiting;
using Gateway.Tests.Support;
using StackExchange.Redis;

namespace Gateway.Tests.Node.Plugins.RateLimiting;

/// <summary>
/// rate-limiting with the redis policy against a real Redis (TEST_REDIS_HOST/PORT, as infra/test.sh
/// starts it): one atomic script per check, Kong's keys, and fault_tolerant when Redis is unreachable.
/// Each test makes its own route on the shared node, so its Redis keys are its own.
/// </summary>
public sealed class RateLimitingRedisTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly string RedisHost = Environment.GetEnvironmentVariable("TEST_REDIS_HOST") ?? "127.0.0.1";
    private static readonly int RedisPort = int.Parse(Environment.GetEnvironmentVariable("TEST_REDIS_PORT") ?? "6379", CultureInfo.InvariantCulture);

    private readonly TestNode _node = fixture.Node;

    [Fact]
    public async Task ConcurrentRequests_AdmitExactlyTheLimit_AndTheCounterLivesInRedisUnderKongsKey()
    {
        var route = await RouteWithPluginAsync("/redis-exact", $$$"""{"hour":30,"policy":"redis","redis":{"host":"{{{RedisHost}}}","port":{{{RedisPort}}}}}""");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 90).Select(_ => StatusAsync("/redis-exact")));
        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(60, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var key = $"ratelimit:{route}:00000000-0000-0000-0000-000000000000:127.0.0.1:{RateLimitPeriods.WindowStart(2, now)}:hour";
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{RedisHost}:{RedisPort}");
        var db = redis.GetDatabase();
        Assert.Equal(30, (long)await db.StringGetAsync(key));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value.TotalSeconds, 3000, 3601);
    }

    [Fact]
    public async Task CountsAlreadyInRedis_AreHonoured()
    {
        var route = await RouteWithPluginAsync("/redis-shared", $$$"""{"hour":5,"policy":"redis","redis":{"host":"{{{RedisHost}}}","port":{{{RedisPort}}}}}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var key = $"ratelimit:{route}:00000000-0000-0000-0000-000000000000:127.0.0.1:{RateLimitPeriods.WindowStart(2, now)}:hour";
        await using (var redis = await ConnectionMultiplexer.ConnectAsync($"{RedisHost}:{RedisPort}"))
        {
            // Another node already admitted four.
            await redis.GetDatabase().StringSetAsync(key, 4, TimeSpan.FromHours(1));
        }

        using var last = await _node.Proxy.GetAsync("/redis-shared");
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal("0", last.Headers.GetValues("X-RateLimit-Remaining-Hour").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/redis-shared"));
    }

    [Fact]
    public async Task RedisDown_FaultTolerant_FallsBackToLocalCounters()
    {
        var closed = FreePorts.Next();
        await RouteWithPluginAsync("/redis-down-tolerant", $$$"""{"hour":2,"policy":"redis","fault_tolerant":true,"redis":{"host":"127.0.0.1","port":{{{closed}}},"timeout":200}}""");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/redis-down-tolerant"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/redis-down-tolerant"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/redis-down-tolerant"));
    }

    [Fact]
    public async Task RedisDown_NotFaultTolerant_Answers500()
    {
        var closed = FreePorts.Next();
        await RouteWithPluginAsync("/redis-down-strict", $$$"""{"hour":2,"policy":"redis","fault_tolerant":false,"redis":{"host":"127.0.0.1","port":{{{closed}}},"timeout":200}}""");
        using var response = await _node.Proxy.GetAsync("/redis-down-strict");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("An unexpected error occurred", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
    }

    private async Task<string> RouteWithPluginAsync(string path, string config)
    {
        var route = await _node.RouteAsync($$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}}}""", $$"""{"paths":["{{path}}"]}""");
        await _node.CreateAsync($"/routes/{route}/plugins", $$"""{"name":"rate-limiting","config":{{config}}}""");
        return route;
    }

    private async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var response = await _node.Proxy.GetAsync(path);
        return response.StatusCode;
    }
}
