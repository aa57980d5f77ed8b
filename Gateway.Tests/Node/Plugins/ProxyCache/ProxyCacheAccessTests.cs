using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.ProxyCache;

/// <summary>
/// Plugin: proxy-cache (access), as Kong's spec/03-plugins/31-proxy-cache/02-access_spec.lua, against a
/// <see cref="CachingBackend"/> of its own, so a cached answer shows by its body and by the backend's request count.
/// </summary>
[Collection(PluginNodeCollection.Name)]
public sealed class ProxyCacheAccessTests(PluginNode node) : IAsyncLifetime
{
    private Backend? _backend;

    private Backend Backend => _backend!;

    public async Task InitializeAsync() => _backend = await CachingBackend.StartAsync();

    public async Task DisposeAsync() => await Backend.DisposeAsync();

    [Fact]
    public async Task SecondRequest_IsAHit_ServedWithoutTheUpstream()
    {
        var path = await RouteAsync("{}");
        using var miss = await node.SendAsync(HttpMethod.Get, path + "/a");
        var before = Backend.Requests;
        using var hit = await node.SendAsync(HttpMethod.Get, path + "/a");

        Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        Assert.Equal("Miss", Header(miss, "X-Cache-Status"));
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal("Hit", Header(hit, "X-Cache-Status"));
        Assert.Equal(before, Backend.Requests);
        Assert.Equal(await miss.Content.ReadAsStringAsync(), await hit.Content.ReadAsStringAsync());
        Assert.Equal(Header(miss, "X-Cache-Key"), Header(hit, "X-Cache-Key"));
        Assert.Matches("^[0-9a-f]{64}$", Header(hit, "X-Cache-Key"));
        Assert.Equal("yes", Header(hit, "X-Upstream"));
        Assert.Equal("text/plain", hit.Content.Headers.ContentType!.ToString());
        Assert.Equal(hit.Content.Headers.ContentLength, (await hit.Content.ReadAsByteArrayAsync()).Length);
        Assert.True(int.Parse(Header(hit, "Age")!) is >= 0 and <= 2);
        Assert.Null(Header(miss, "Age"));
    }

    [Fact]
    public async Task CacheKey_IsKongsSha256OfRouteMethodRequestLineAndParams()
    {
        var path = await RouteAsync("{}", out var routeId);
        using var response = await node.SendAsync(HttpMethod.Get, path + "/k?b=2&a=1&flag");
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{await routeId}|GET|GET {path}/k|a=1:b=2:flag|")));
        Assert.Equal(expected, Header(response, "X-Cache-Key"));
    }

    [Fact]
    public async Task QueryOrder_DoesNotMatter_ButValuesDo()
    {
        var path = await RouteAsync("{}");
        using var first = await node.SendAsync(HttpMethod.Get, path + "/q?a=1&b=2");
        using var reordered = await node.SendAsync(HttpMethod.Get, path + "/q?b=2&a=1");
        using var other = await node.SendAsync(HttpMethod.Get, path + "/q?a=1&b=3");

        Assert.Equal("Hit", Header(reordered, "X-Cache-Status"));
        Assert.Equal("Miss", Header(other, "X-Cache-Status"));
    }

    [Fact]
    public async Task VaryQueryParams_OnlyThoseMakeTheKey()
    {
        var path = await RouteAsync("""{"vary_query_params":["a"]}""");
        using var first = await node.SendAsync(HttpMethod.Get, path + "/v?a=1&b=2");
        using var otherB = await node.SendAsync(HttpMethod.Get, path + "/v?a=1&b=3");
        using var otherA = await node.SendAsync(HttpMethod.Get, path + "/v?a=2&b=2");

        Assert.Equal("Hit", Header(otherB, "X-Cache-Status"));
        Assert.Equal("Miss", Header(otherA, "X-Cache-Status"));
    }

    [Fact]
    public async Task VaryHeaders_MakeTheKey()
    {
        var path = await RouteAsync("""{"vary_headers":["x-lang"]}""");
        using var en = await node.SendAsync(HttpMethod.Get, path + "/h", ("X-Lang", "en"));
        using var enAgain = await node.SendAsync(HttpMethod.Get, path + "/h", ("X-Lang", "en"));
        using var fr = await node.SendAsync(HttpMethod.Get, path + "/h", ("X-Lang", "fr"));

        Assert.Equal("Hit", Header(enAgain, "X-Cache-Status"));
        Assert.Equal("Miss", Header(fr, "X-Cache-Status"));
    }

    [Fact]
    public async Task IgnoreUriCase_SharesTheEntry()
    {
        var path = await RouteAsync("""{"ignore_uri_case":true}""");
        using var lower = await node.SendAsync(HttpMethod.Get, path + "/case");
        using var upper = await node.SendAsync(HttpMethod.Get, path + "/CASE");
        Assert.Equal("Hit", Header(upper, "X-Cache-Status"));
    }

    [Fact]
    public async Task MethodNotConfigured_IsBypass_AndReachesTheUpstream()
    {
        var path = await RouteAsync("{}");
        using var post1 = await node.SendAsync(HttpMethod.Post, path + "/p");
        var before = Backend.Requests;
        using var post2 = await node.SendAsync(HttpMethod.Post, path + "/p");

        Assert.Equal("Bypass", Header(post2, "X-Cache-Status"));
        Assert.Null(Header(post2, "X-Cache-Key"));
        Assert.Equal(before + 1, Backend.Requests);
    }

    [Theory]
    [InlineData("X-Respond-Content-Type", "text/html")]
    [InlineData("X-Respond-Content-Type", "application/json; charset=utf-8")]
    [InlineData("X-Respond-Status", "500")]
    public async Task ResponseNotCacheable_IsBypass_AndNotStored(string name, string value)
    {
        var path = await RouteAsync("{}");
        using var first = await node.SendAsync(HttpMethod.Get, path + "/r", (name, value));
        using var second = await node.SendAsync(HttpMethod.Get, path + "/r", (name, value));

        Assert.Equal("Bypass", Header(first, "X-Cache-Status"));
        Assert.Equal("Bypass", Header(second, "X-Cache-Status"));
        Assert.NotEqual(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HeadRequest_IsCachedApartFromGet()
    {
        var path = await RouteAsync("{}");
        using var get = await node.SendAsync(HttpMethod.Get, path + "/m");
        using var head = await node.SendAsync(HttpMethod.Head, path + "/m");
        Assert.Equal("Miss", Header(head, "X-Cache-Status"));
    }

    [Fact]
    public async Task CacheControl_ResponseWithoutMaxAge_IsBypass()
    {
        var path = await RouteAsync("""{"cache_control":true}""");
        using var response = await node.SendAsync(HttpMethod.Get, path + "/c");
        Assert.Equal("Bypass", Header(response, "X-Cache-Status"));
    }

    [Theory]
    [InlineData("public, max-age=60", "Hit")]
    [InlineData("s-maxage=60", "Hit")]
    [InlineData("private, max-age=60", "Bypass")]
    [InlineData("no-store, max-age=60", "Bypass")]
    [InlineData("no-cache, max-age=60", "Bypass")]
    [InlineData("max-age=0", "Bypass")]
    public async Task CacheControl_TheResponsesDirectivesDecide(string cc, string second)
    {
        var path = await RouteAsync("""{"cache_control":true}""");
        using var first = await node.SendAsync(HttpMethod.Get, path + "/c", ("X-Respond-Cache-Control", cc));
        using var again = await node.SendAsync(HttpMethod.Get, path + "/c", ("X-Respond-Cache-Control", cc));
        Assert.Equal(second, Header(again, "X-Cache-Status"));
    }

    [Theory]
    [InlineData("Cache-Control", "no-cache")]
    [InlineData("Cache-Control", "no-store")]
    [InlineData("Authorization", "Bearer x")]
    public async Task CacheControl_RequestThatRefusesTheCache_IsBypass(string name, string value)
    {
        var path = await RouteAsync("""{"cache_control":true}""");
        using var first = await node.SendAsync(HttpMethod.Get, path + "/c", ("X-Respond-Cache-Control", "max-age=60"));
        using var refused = await node.SendAsync(HttpMethod.Get, path + "/c", ("X-Respond-Cache-Control", "max-age=60"), (name, value));
        Assert.Equal("Bypass", Header(refused, "X-Cache-Status"));
    }

    [Fact]
    public async Task CacheControl_MinFreshAboveTheFreshnessLeft_IsRefresh_AndStoresTheNewAnswer()
    {
        var path = await RouteAsync("""{"cache_control":true}""");
        using var first = await node.SendAsync(HttpMethod.Get, path + "/c", ("X-Respond-Cache-Control", "max-age=30"));
        var before = Backend.Requests;
        using var refresh = await node.SendAsync(HttpMethod.Get, path + "/c", ("X-Respond-Cache-Control", "max-age=30"), ("Cache-Control", "min-fresh=60"));
        using var hit = await node.SendAsync(HttpMethod.Get, path + "/c", ("X-Respond-Cache-Control", "max-age=30"));

        Assert.Equal("Refresh", Header(refresh, "X-Cache-Status"));
        Assert.Equal(before + 1, Backend.Requests);
        Assert.Equal("Hit", Header(hit, "X-Cache-Status"));
        Assert.Equal(await refresh.Content.ReadAsStringAsync(), await hit.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CacheControl_OnlyIfCached_WithNothingCached_Is504()
    {
        var path = await RouteAsync("""{"cache_control":true}""");
        var before = Backend.Requests;
        using var response = await node.SendAsync(HttpMethod.Get, path + "/c", ("X-Respond-Cache-Control", "max-age=30"), ("Cache-Control", "only-if-cached"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(before, Backend.Requests);
    }

    [Fact]
    public async Task ResponseHeadersOff_HidesThem_UnlessKongDebug()
    {
        var path = await RouteAsync("""{"response_headers":{"age":false,"X-Cache-Status":false,"X-Cache-Key":false}}""");
        using var miss = await node.SendAsync(HttpMethod.Get, path + "/d");
        using var hit = await node.SendAsync(HttpMethod.Get, path + "/d");
        using var debug = await node.SendAsync(HttpMethod.Get, path + "/d", ("Kong-Debug", "1"));

        Assert.Null(Header(miss, "X-Cache-Status"));
        Assert.Null(Header(hit, "X-Cache-Status"));
        Assert.Null(Header(hit, "X-Cache-Key"));
        Assert.Null(Header(hit, "Age"));
        Assert.Equal("Hit", Header(debug, "X-Cache-Status"));
        Assert.NotNull(Header(debug, "X-Cache-Key"));
        Assert.NotNull(Header(debug, "Age"));
    }

    [Fact]
    public async Task AdminApi_ShowsAndPurgesAnEntry()
    {
        var path = await RouteAsync("{}", out var _, out var pluginId);
        using var miss = await node.SendAsync(HttpMethod.Get, path + "/admin");
        var key = Header(miss, "X-Cache-Key")!;
        var id = await pluginId;

        var (status, body) = await node.Node.CallAsync(HttpMethod.Get, "/proxy-cache/" + key);
        Assert.Equal(200, status);
        Assert.Equal(200, body!["status"]!.GetValue<int>());
        Assert.Equal(await miss.Content.ReadAsStringAsync(), body["body"]!.GetValue<string>());
        Assert.Equal(1, body["version"]!.GetValue<int>());
        Assert.Equal(300, body["ttl"]!.GetValue<long>());
        Assert.Equal("text/plain", body["headers"]!["Content-Type"]!.GetValue<string>());

        var (byPlugin, _) = await node.Node.CallAsync(HttpMethod.Get, $"/proxy-cache/{id}/caches/{key}");
        Assert.Equal(200, byPlugin);

        var (deleted, _) = await node.Node.CallAsync(HttpMethod.Delete, $"/proxy-cache/{id}/caches/{key}");
        Assert.Equal(204, deleted);
        using var afterPurge = await node.SendAsync(HttpMethod.Get, path + "/admin");
        Assert.Equal("Miss", Header(afterPurge, "X-Cache-Status"));

        var (deletedByKey, _) = await node.Node.CallAsync(HttpMethod.Delete, "/proxy-cache/" + key);
        Assert.Equal(204, deletedByKey);
        var (gone, goneBody) = await node.Node.CallAsync(HttpMethod.Get, "/proxy-cache/" + key);
        Assert.Equal(404, gone);
        JsonAssert.Equal("""{"message":"Not found"}""", goneBody);
    }

    [Fact]
    public async Task AdminApi_UnknownKeyOrPlugin_Is404()
    {
        var path = await RouteAsync("{}", out var _, out var pluginId);
        var id = await pluginId;

        Assert.Equal(404, (await node.Node.CallAsync(HttpMethod.Get, "/proxy-cache/nope")).Status);
        Assert.Equal(404, (await node.Node.CallAsync(HttpMethod.Delete, "/proxy-cache/nope")).Status);
        Assert.Equal(404, (await node.Node.CallAsync(HttpMethod.Get, $"/proxy-cache/{id}/caches/nope")).Status);
        Assert.Equal(404, (await node.Node.CallAsync(HttpMethod.Delete, $"/proxy-cache/{id}/caches/nope")).Status);
        var (status, body) = await node.Node.CallAsync(HttpMethod.Get, $"/proxy-cache/{Guid.NewGuid()}/caches/nope");
        Assert.Equal(404, status);
        JsonAssert.Equal("""{"message":"Not found"}""", body);
        Assert.Equal(405, (await node.Node.CallAsync(HttpMethod.Post, "/proxy-cache")).Status);
    }

    [Fact]
    public async Task AdminApi_DeleteAll_EmptiesTheCache()
    {
        var path = await RouteAsync("{}");
        using var miss = await node.SendAsync(HttpMethod.Get, path + "/all");
        var (status, _) = await node.Node.CallAsync(HttpMethod.Delete, "/proxy-cache");
        using var again = await node.SendAsync(HttpMethod.Get, path + "/all");

        Assert.Equal(204, status);
        Assert.Equal("Miss", Header(again, "X-Cache-Status"));
    }

    [Fact]
    public async Task BadConfig_IsKongsSchemaViolation()
    {
        var (status, body) = await node.Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"proxy-cache","config":{"strategy":"memory","cache_ttl":0}}""");
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (config.cache_ttl: value must be greater than 0)","fields":{"config":{"cache_ttl":"value must be greater than 0"}}}""",
            body);
    }

    [Fact]
    public async Task UnknownDictionary_IsKongsEntityCheck()
    {
        var (status, body) = await node.Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"proxy-cache","config":{"strategy":"memory","memory":{"dictionary_name":"nope"}}}""");
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (missing shared dict 'nope')","fields":{"@entity":["missing shared dict 'nope'"]}}""",
            body);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    private Task<string> RouteAsync(string config) => RouteAsync(config, out _, out _);

    private Task<string> RouteAsync(string config, out Task<string> routeId) => RouteAsync(config, out routeId, out _);

    /// <summary>A service on this class's backend, a route <c>/pc{n}</c> and a proxy-cache (memory) on it.</summary>
    private Task<string> RouteAsync(string config, out Task<string> routeId, out Task<string> pluginId)
    {
        var route = new TaskCompletionSource<string>();
        var plugin = new TaskCompletionSource<string>();
        routeId = route.Task;
        pluginId = plugin.Task;
        return CreateAsync(config, route, plugin);
    }

    private async Task<string> CreateAsync(string config, TaskCompletionSource<string> routeId, TaskCompletionSource<string> pluginId)
    {
        var path = $"/pc{Guid.NewGuid():N}";
        var service = await node.Node.CreateAsync("/services", $$"""{"host":"127.0.0.1","port":{{Backend.Port}}}""");
        var route = await node.Node.CreateAsync($"/services/{service["id"]}/routes", $$"""{"paths":["{{path}}"]}""");
        var merged = System.Text.Json.Nodes.JsonNode.Parse(config)!.AsObject();
        merged["strategy"] = "memory";
        var plugin = await node.Node.CreateAsync($"/routes/{route["id"]}/plugins", $$"""{"name":"proxy-cache","config":{{merged.ToJsonString()}}}""");
        routeId.SetResult(route["id"]!.GetValue<string>());
        pluginId.SetResult(plugin["id"]!.GetValue<string>());
        return path;
    }
}
