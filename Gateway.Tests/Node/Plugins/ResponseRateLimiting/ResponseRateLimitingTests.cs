using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Plugins.ResponseRateLimiting;

/// <summary>
/// response-ratelimiting end to end (Kong's spec/03-plugins/24-response-rate-limiting/04-access_spec.lua):
/// the upstream reports units in X-Kong-Limit, the client sees per-name headers, and a used-up unit is refused.
/// Hour windows, so no boundary resets a count mid-test.
/// </summary>
public sealed class ResponseRateLimitingTests(ResponseRateLimitingTests.Fixture fixture) : IClassFixture<ResponseRateLimitingTests.Fixture>
{
    private readonly TestNode _node = fixture.Node;

    [Fact]
    public async Task ReportedUnits_AreCounted_ShownPerName_AndRefusedOnceUsedUp()
    {
        await RouteWithPluginAsync("/videos", """{"limits":{"videos":{"hour":3},"images":{"hour":10}}}""");

        using (var first = await _node.Proxy.GetAsync("/videos?limit=videos=2"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

            // The upstream saw the remaining count before this request; the client sees it after.
            Assert.Equal("3", await first.Content.ReadAsStringAsync());
            Assert.Equal("3", Header(first, "X-RateLimit-Limit-videos-hour"));
            Assert.Equal("1", Header(first, "X-RateLimit-Remaining-videos-hour"));
            Assert.Equal("10", Header(first, "X-RateLimit-Remaining-images-hour"));
            Assert.Null(Header(first, "X-Kong-Limit"));
        }

        using (var second = await _node.Proxy.GetAsync("/videos?limit=videos=1"))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("1", await second.Content.ReadAsStringAsync());
            Assert.Equal("0", Header(second, "X-RateLimit-Remaining-videos-hour"));
        }

        // Used up: a response reporting videos is refused; one reporting only images still passes.
        using (var refused = await _node.Proxy.GetAsync("/videos?limit=videos=1"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        using var images = await _node.Proxy.GetAsync("/videos?limit=images=4");
        Assert.Equal(HttpStatusCode.OK, images.StatusCode);
        Assert.Equal("6", Header(images, "X-RateLimit-Remaining-images-hour"));
    }

    [Fact]
    public async Task BlockOnFirstViolation_RefusesInAccess_WithTheLimitsName()
    {
        await RouteWithPluginAsync("/blocking", """{"block_on_first_violation":true,"limits":{"videos":{"hour":1}}}""");
        using (var ok = await _node.Proxy.GetAsync("/blocking?limit=videos=1"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await _node.Proxy.GetAsync("/blocking");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("API rate limit exceeded for 'videos'", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task HideClientHeaders_SendsNoUsageHeaders()
    {
        await RouteWithPluginAsync("/hidden-usage", """{"hide_client_headers":true,"limits":{"videos":{"hour":5}}}""");
        using var response = await _node.Proxy.GetAsync("/hidden-usage?limit=videos=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("X-RateLimit", StringComparison.OrdinalIgnoreCase));
        Assert.Null(Header(response, "X-Kong-Limit"));
    }

    [Fact]
    public async Task RequestsWithoutReportedUnits_AreNotCounted()
    {
        await RouteWithPluginAsync("/uncounted", """{"limits":{"videos":{"hour":2}}}""");
        for (var i = 0; i < 5; i++)
        {
            using var response = await _node.Proxy.GetAsync("/uncounted");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("2", Header(response, "X-RateLimit-Remaining-videos-hour"));
        }
    }

    [Fact]
    public async Task RedisPolicy_CountsInRedis()
    {
        var host = Environment.GetEnvironmentVariable("TEST_REDIS_HOST") ?? "127.0.0.1";
        var port = Environment.GetEnvironmentVariable("TEST_REDIS_PORT") ?? "6379";
        var redis = $"{{\"host\":\"{host}\",\"port\":{port}}}";
        await RouteWithPluginAsync("/redis-usage", "{\"policy\":\"redis\",\"redis\":" + redis + ",\"limits\":{\"videos\":{\"hour\":2}}}");
        using (var first = await _node.Proxy.GetAsync("/redis-usage?limit=videos=2"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("0", Header(first, "X-RateLimit-Remaining-videos-hour"));
        }

        // The count is added after the response, off the request's path: wait for it to land.
        await Eventually.HoldsAsync(
            async () =>
            {
                using var probe = await _node.Proxy.GetAsync("/redis-usage");
                return Header(probe, "X-RateLimit-Remaining-videos-hour") == "0";
            },
            TimeSpan.FromSeconds(5),
            "the count reached Redis");
        using var refused = await _node.Proxy.GetAsync("/redis-usage?limit=videos=1");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Fact]
    public async Task AdminApi_LowerLimitForALongerWindow_IsLimitsWholeError()
    {
        // Kong's 01-schema_spec "smaller unit is less than bigger unit": err.config.limits is the lower-case message.
        using var response = await _node.Admin.PostAsync("/plugins", new StringContent(
            """{"name":"response-ratelimiting","config":{"limits":{"video":{"second":1,"minute":2,"hour":3,"day":4,"month":6,"year":5}}}}""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("the limit for year(5.0) cannot be lower than the limit for month(6.0)", body["fields"]!["config"]!["limits"]!.GetValue<string>());
    }

    private async Task RouteWithPluginAsync(string path, string config)
    {
        var route = await _node.RouteAsync($$"""{"host":"127.0.0.1","port":{{fixture.BackendPort.ToString(CultureInfo.InvariantCulture)}}}""", $$"""{"paths":["{{path}}"]}""");
        await _node.CreateAsync($"/routes/{route}/plugins", $$"""{"name":"response-ratelimiting","config":{{config}}}""");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>One node and one usage-reporting upstream for the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private Backend _backend = null!;

        public TestNode Node { get; private set; } = null!;

        public int BackendPort => _backend.Port;

        public async Task InitializeAsync()
        {
            _backend = await Backend.StartAsync(ReportUsageAsync);
            Node = await TestNode.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            await _backend.DisposeAsync();
        }

        /// <summary>
        /// Reports usage as Kong's response-ratelimiting expects: <c>X-Kong-Limit</c> set to the <c>limit</c>
        /// query argument, and the <c>X-RateLimit-Remaining-videos</c> request header it received as the body.
        /// </summary>
        private static async Task ReportUsageAsync(HttpContext context)
        {
            if (context.Request.Query["limit"] is { Count: > 0 } limit)
            {
                context.Response.Headers["X-Kong-Limit"] = limit.ToString();
            }

            await context.Response.WriteAsync(context.Request.Headers["X-RateLimit-Remaining-videos"].ToString());
        }
    }
}
