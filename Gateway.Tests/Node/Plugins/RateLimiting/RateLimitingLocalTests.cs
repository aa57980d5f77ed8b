using System.Net;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.RateLimiting;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.RateLimiting;

/// <summary>
/// rate-limiting with the local policy through a real node and upstream (Kong's
/// spec/03-plugins/23-rate-limiting/04-access_spec.lua): headers, the refusal, limit_by keys.
/// Counting tests use hour windows so a minute boundary cannot reset them mid-test; each test makes its own
/// route on the shared node, so its counters are its own.
/// </summary>
public sealed class RateLimitingLocalTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private readonly TestNode _node = fixture.Node;

    [Fact]
    public async Task MinuteLimit_SendsKongHeaders_ThenRefusesWith429()
    {
        await RouteWithPluginAsync("/minute", """{"minute":3}""");
        var second = DateTimeOffset.UtcNow.Second;
        if (second > 55)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - second));
        }

        for (var i = 1; i <= 3; i++)
        {
            using var ok = await _node.Proxy.GetAsync("/minute");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", Header(ok, "X-RateLimit-Limit-Minute"));
            Assert.Equal((3 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(ok, "X-RateLimit-Remaining-Minute"));
            Assert.Equal("3", Header(ok, "RateLimit-Limit"));
            Assert.Equal((3 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(ok, "RateLimit-Remaining"));
            Assert.InRange(long.Parse(Header(ok, "RateLimit-Reset")!, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            Assert.Null(Header(ok, "Retry-After"));
        }

        using var refused = await _node.Proxy.GetAsync("/minute");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("API rate limit exceeded", body["message"]!.GetValue<string>());
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining-Minute"));
        Assert.Equal("0", Header(refused, "RateLimit-Remaining"));
        Assert.Equal(Header(refused, "RateLimit-Reset"), Header(refused, "Retry-After"));
    }

    [Fact]
    public async Task ErrorCodeAndMessage_AreConfigurable()
    {
        await RouteWithPluginAsync("/custom-error", """{"hour":1,"error_code":503,"error_message":"slow down"}""");
        using (var ok = await _node.Proxy.GetAsync("/custom-error"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await _node.Proxy.GetAsync("/custom-error");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("slow down", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task HideClientHeaders_SendsNoRateLimitHeaders_NorRetryAfter()
    {
        await RouteWithPluginAsync("/hidden", """{"hour":1,"hide_client_headers":true}""");
        using (var ok = await _node.Proxy.GetAsync("/hidden"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.DoesNotContain(ok.Headers, h => h.Key.Contains("RateLimit", StringComparison.OrdinalIgnoreCase));
        }

        using var refused = await _node.Proxy.GetAsync("/hidden");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.DoesNotContain(refused.Headers, h => h.Key.Contains("RateLimit", StringComparison.OrdinalIgnoreCase) || h.Key == "Retry-After");
    }

    [Fact]
    public async Task SeveralWindows_EachHasHeaders_AndTheTightestDrivesRateLimitHeaders()
    {
        await RouteWithPluginAsync("/windows", """{"hour":2,"day":10}""");
        using var first = await _node.Proxy.GetAsync("/windows");
        Assert.Equal("1", Header(first, "X-RateLimit-Remaining-Hour"));
        Assert.Equal("9", Header(first, "X-RateLimit-Remaining-Day"));
        Assert.Equal("2", Header(first, "RateLimit-Limit"));
        Assert.Equal("1", Header(first, "RateLimit-Remaining"));
        (await _node.Proxy.GetAsync("/windows")).Dispose();

        using var refused = await _node.Proxy.GetAsync("/windows");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining-Hour"));

        // A refused request is not counted: the day window still shows the two admitted.
        Assert.Equal("8", Header(refused, "X-RateLimit-Remaining-Day"));
    }

    [Fact]
    public async Task LimitByHeader_CountsEachValueApart()
    {
        await RouteWithPluginAsync("/by-header", """{"hour":1,"limit_by":"header","header_name":"X-Tenant"}""");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/by-header", "a"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/by-header", "a"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/by-header", "b"));
    }

    [Fact]
    public async Task LimitByPath_CountsTheConfiguredPathOnly_OthersFallBackToTheClientAddress()
    {
        await RouteWithPluginAsync("/by-path", """{"hour":1,"limit_by":"path","path":"/by-path/one"}""");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/by-path/one", null));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/by-path/one", null));

        // Another path has no path key: Kong counts it by IP, a separate counter.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/by-path/two", null));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/by-path/two", null));
    }

    [Fact]
    public async Task LimitByService_RoutesOfTheServiceShareTheCount()
    {
        var service = await _node.CreateAsync("/services", $$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}}}""");
        await _node.CreateAsync($"/services/{service["id"]}/routes", """{"paths":["/svc-a"]}""");
        await _node.CreateAsync($"/services/{service["id"]}/routes", """{"paths":["/svc-b"]}""");
        await _node.CreateAsync($"/services/{service["id"]}/plugins", """{"name":"rate-limiting","config":{"hour":2,"limit_by":"service"}}""");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/svc-a", null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/svc-b", null));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/svc-a", null));
    }

    [Fact]
    public async Task ConcurrentRequests_AdmitExactlyTheLimit()
    {
        await RouteWithPluginAsync("/concurrent", """{"hour":25}""");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => StatusAsync("/concurrent", null)));
        Assert.Equal(25, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(75, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public void Windows_AlignOnUtcCalendarBoundaries_AndResetCountsDown()
    {
        var now = new DateTimeOffset(2026, 3, 17, 10, 42, 30, 250, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(new DateTimeOffset(2026, 3, 17, 10, 42, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), RateLimitPeriods.WindowStart(1, now));
        Assert.Equal(new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), RateLimitPeriods.WindowStart(3, now));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), RateLimitPeriods.WindowStart(4, now));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), RateLimitPeriods.WindowStart(5, now));
        Assert.Equal(30, RateLimitPeriods.ResetSeconds(1, now));
        Assert.Equal(1, RateLimitPeriods.ResetSeconds(0, now));
        Assert.Equal(3600 - (42 * 60) - 30, RateLimitPeriods.ResetSeconds(2, now));
    }

    [Fact]
    public async Task AdminApi_RejectsAConfigWithoutAnyWindow()
    {
        using var response = await _node.Admin.PostAsync("/plugins", new StringContent("""{"name":"rate-limiting","config":{"policy":"local"}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AnswerOfALaterPlugin_CarriesTheRateLimitHeaders()
    {
        // Kong sets the headers in access (kong.response.set_headers): request-termination (priority 2) answers with them.
        var route = await _node.RouteAsync($$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}}}""", """{"paths":["/terminated"]}""");
        await _node.CreateAsync($"/routes/{route}/plugins", """{"name":"rate-limiting","config":{"hour":2}}""");
        await _node.CreateAsync($"/routes/{route}/plugins", """{"name":"request-termination","config":{"status_code":418,"message":"teapot"}}""");

        using (var first = await _node.Proxy.GetAsync("/terminated"))
        {
            Assert.Equal((HttpStatusCode)418, first.StatusCode);
            Assert.Equal("2", Header(first, "X-RateLimit-Limit-Hour"));
            Assert.Equal("1", Header(first, "X-RateLimit-Remaining-Hour"));
            Assert.Equal("1", Header(first, "RateLimit-Remaining"));
        }

        (await _node.Proxy.GetAsync("/terminated")).Dispose();
        using var refused = await _node.Proxy.GetAsync("/terminated");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining-Hour"));
    }

    private async Task RouteWithPluginAsync(string path, string config)
    {
        var route = await _node.RouteAsync($$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}}}""", $$"""{"paths":["{{path}}"]}""");
        await _node.CreateAsync($"/routes/{route}/plugins", $$"""{"name":"rate-limiting","config":{{config}}}""");
    }

    private async Task<HttpStatusCode> StatusAsync(string path, string? tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (tenant is not null)
        {
            request.Headers.Add("X-Tenant", tenant);
        }

        using var response = await _node.Proxy.SendAsync(request);
        return response.StatusCode;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
