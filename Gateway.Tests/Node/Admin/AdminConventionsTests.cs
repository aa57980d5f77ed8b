using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>The Admin API conventions of Kong (bodies, paging, tags, addressing, writes, methods), against a real node.</summary>
public sealed class AdminConventionsTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task FormUrlEncodedBody_IsTypedBySchema()
    {
        using var content = new FormUrlEncodedContent([
            new("name", "form-service"), new("host", "form.test"), new("port", "8080"), new("retries", "2"), new("tags[]", "form"), new("tags[]", "urlencoded"),
        ]);
        using var response = await Node.Admin.PostAsync("/services", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(8080, body["port"]!.GetValue<int>());
        Assert.Equal(2, body["retries"]!.GetValue<int>());
        JsonAssert.Equal("""["form","urlencoded"]""", body["tags"]);
    }

    [Fact]
    public async Task MultipartBody_IsTypedBySchema_IncludingNestedPluginConfig()
    {
        var consumer = await Node.CreateAsync("/consumers", """{"username":"multipart-user"}""");
        using var content = new MultipartFormDataContent
        {
            { new StringContent("key-auth"), "name" },
            { new StringContent("true"), "config.hide_credentials" },
            { new StringContent("x-key"), "config.key_names[1]" },
            { new StringContent("apikey"), "config.key_names[2]" },
        };
        var service = await Node.CreateAsync("/services", """{"name":"multipart-service","host":"multipart.test"}""");
        using var response = await Node.Admin.PostAsync($"/services/{service["id"]}/plugins", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(201, (int)response.StatusCode);
        Assert.True(body["config"]!["hide_credentials"]!.GetValue<bool>());
        JsonAssert.Equal("""["x-key","apikey"]""", body["config"]!["key_names"]);
        Assert.NotNull(consumer["id"]);
    }

    [Fact]
    public async Task Paging_WalksEveryRowOnce_AndBoundsSize()
    {
        var tag = "paging-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 23; i++)
        {
            await Node.CreateAsync("/consumers", $$"""{"username":"{{tag}}-{{i}}","tags":["{{tag}}"]}""");
        }

        var seen = new List<string>();
        string? next = $"/consumers?size=10&tags={tag}";
        while (next is not null)
        {
            var (status, page) = await Node.CallAsync(HttpMethod.Get, next);
            Assert.Equal(200, status);
            seen.AddRange(page!["data"]!.AsArray().Select(c => c!["username"]!.GetValue<string>()));
            next = page["next"]?.GetValue<string>();
        }

        Assert.Equal(23, seen.Count);
        Assert.Equal(23, seen.Distinct().Count());

        foreach (var bad in new[] { "0", "-5", "1001", "99999999999999999999", "1.5" })
        {
            var (status, body) = await Node.CallAsync(HttpMethod.Get, $"/consumers?size={bad}");
            Assert.Equal(400, status);
            JsonAssert.Equal("""{"code":9,"name":"invalid size","message":"size must be an integer between 1 and 1000"}""", body);
        }

        var (defaultStatus, defaultPage) = await Node.CallAsync(HttpMethod.Get, "/consumers?size=1000");
        Assert.Equal(200, defaultStatus);
        Assert.True(defaultPage!["data"]!.AsArray().Count >= 23);
    }

    [Fact]
    public async Task TagsFilter_AndOr_AndMixedIsRefused()
    {
        var t = Guid.NewGuid().ToString("N")[..8];
        await Node.CreateAsync("/services", $$"""{"name":"tags-ab-{{t}}","host":"t.test","tags":["a{{t}}","b{{t}}"]}""");
        await Node.CreateAsync("/services", $$"""{"name":"tags-a-{{t}}","host":"t.test","tags":["a{{t}}"]}""");
        await Node.CreateAsync("/services", $$"""{"name":"tags-c-{{t}}","host":"t.test","tags":["c{{t}}"]}""");

        async Task<string[]> Names(string filter)
        {
            var (_, page) = await Node.CallAsync(HttpMethod.Get, $"/services?tags={Uri.EscapeDataString(filter)}");
            return [.. page!["data"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).Order()];
        }

        Assert.Equal([$"tags-ab-{t}"], await Names($"a{t},b{t}"));
        Assert.Equal([$"tags-a-{t}", $"tags-ab-{t}"], await Names($"a{t}"));
        Assert.Equal([$"tags-a-{t}", $"tags-ab-{t}", $"tags-c-{t}"], await Names($"a{t}/c{t}"));

        var (status, body) = await Node.CallAsync(HttpMethod.Get, "/services?tags=a,b/c");
        Assert.Equal(400, status);
        Assert.Equal(11, body!["code"]!.GetValue<int>());
        Assert.Equal("invalid option (tags: invalid filter syntax)", body["message"]!.GetValue<string>());

        var (tagStatus, tagPage) = await Node.CallAsync(HttpMethod.Get, $"/tags/c{t}");
        Assert.Equal(200, tagStatus);
        var row = tagPage!["data"]!.AsArray().Single()!;
        Assert.Equal("services", row["entity_name"]!.GetValue<string>());
        var (allStatus, allTags) = await Node.CallAsync(HttpMethod.Get, "/tags");
        Assert.Equal(200, allStatus);
        Assert.Contains(allTags!["data"]!.AsArray(), r => r!["tag"]!.GetValue<string>() == $"a{t}");
    }

    [Fact]
    public async Task Addressing_ByIdOrName_PatchIsPartial_AndNullRemoves()
    {
        var service = await Node.CreateAsync("/services", """{"name":"addressed","host":"addressed.test","path":"/v1"}""");
        var (byName, named) = await Node.CallAsync(HttpMethod.Get, "/services/addressed");
        var (byId, identified) = await Node.CallAsync(HttpMethod.Get, $"/services/{service["id"]}");
        Assert.Equal(200, byName);
        Assert.Equal(200, byId);
        Assert.True(JsonNode.DeepEquals(named, identified));

        var (patched, updated) = await Node.CallAsync(HttpMethod.Patch, "/services/addressed", """{"port":8443,"path":null}""");
        Assert.Equal(200, patched);
        Assert.Equal(8443, updated!["port"]!.GetValue<int>());
        Assert.Null(updated["path"]);
        Assert.Equal("addressed.test", updated["host"]!.GetValue<string>());
        Assert.Equal(service["created_at"]!.GetValue<long>(), updated["created_at"]!.GetValue<long>());

        var (missing, _) = await Node.CallAsync(HttpMethod.Get, "/services/no-such-service");
        Assert.Equal(404, missing);
        var (missingPatch, notFound) = await Node.CallAsync(HttpMethod.Patch, $"/services/{Guid.NewGuid()}", """{"port":1}""");
        Assert.Equal(404, missingPatch);
        JsonAssert.Equal("""{"message":"Not found"}""", notFound);
    }

    [Fact]
    public async Task Bodies_EscapeOnlyWhatJsonRequires_AsKongsCjson()
    {
        await Node.CreateAsync("/routes", """{"name":"escaping-é","paths":["~/esc/(?<id>[0-9]+)$"],"tags":["a&b","it's"]}""");

        using var response = await Node.Admin.GetAsync("/routes/escaping-é");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"name\":\"escaping-é\"", body);
        Assert.Contains("\"paths\":[\"~/esc/(?<id>[0-9]+)$\"]", body);
        Assert.Contains("\"tags\":[\"a&b\",\"it's\"]", body);
    }

    [Fact]
    public async Task Put_UpsertsByName_AndReplacesTheWholeEntity()
    {
        var (created, first) = await Node.CallAsync(HttpMethod.Put, "/services/put-upsert", """{"host":"one.test","retries":1}""");
        Assert.Equal(200, created);
        Assert.Equal("put-upsert", first!["name"]!.GetValue<string>());
        var (replaced, second) = await Node.CallAsync(HttpMethod.Put, "/services/put-upsert", """{"host":"two.test"}""");
        Assert.Equal(200, replaced);
        Assert.Equal(first["id"]!.GetValue<string>(), second!["id"]!.GetValue<string>());
        Assert.Equal("two.test", second["host"]!.GetValue<string>());
        Assert.Equal(5, second["retries"]!.GetValue<int>());
    }

    [Fact]
    public async Task NestedEndpoints_ServiceRoutes_RouteService_ConsumerCredentials_UpstreamTargets()
    {
        var service = await Node.CreateAsync("/services", """{"name":"nested-svc","host":"nested.test"}""");
        var route = await Node.CreateAsync("/services/nested-svc/routes", """{"name":"nested-route","paths":["/nested"]}""");
        Assert.Equal(service["id"]!.GetValue<string>(), route["service"]!["id"]!.GetValue<string>());

        var (listed, routes) = await Node.CallAsync(HttpMethod.Get, "/services/nested-svc/routes");
        Assert.Equal(200, listed);
        Assert.Equal("nested-route", routes!["data"]!.AsArray().Single()!["name"]!.GetValue<string>());

        var (owner, parent) = await Node.CallAsync(HttpMethod.Get, "/routes/nested-route/service");
        Assert.Equal(200, owner);
        Assert.Equal("nested-svc", parent!["name"]!.GetValue<string>());

        await Node.CreateAsync("/consumers", """{"username":"nested-consumer"}""");
        var key = await Node.CreateAsync("/consumers/nested-consumer/key-auth", "{}");
        Assert.Matches("^[0-9a-f]{32}$", key["key"]!.GetValue<string>());
        var acl = await Node.CreateAsync("/consumers/nested-consumer/acls", """{"group":"admins"}""");
        Assert.Equal("admins", acl["group"]!.GetValue<string>());
        var (keyStatus, keyById) = await Node.CallAsync(HttpMethod.Get, $"/consumers/nested-consumer/key-auth/{key["id"]}");
        Assert.Equal(200, keyStatus);
        Assert.Equal(key["key"]!.GetValue<string>(), keyById!["key"]!.GetValue<string>());
        var (topStatus, _) = await Node.CallAsync(HttpMethod.Get, $"/key-auths/{key["id"]}");
        Assert.Equal(200, topStatus);

        await Node.CreateAsync("/upstreams", """{"name":"nested-upstream"}""");
        var target = await Node.CreateAsync("/upstreams/nested-upstream/targets", """{"target":"10.0.0.1:8080","weight":50}""");
        Assert.Equal(50, target["weight"]!.GetValue<int>());
        var (targets, targetPage) = await Node.CallAsync(HttpMethod.Get, "/upstreams/nested-upstream/targets");
        Assert.Equal(200, targets);
        Assert.Single(targetPage!["data"]!.AsArray());
        var (topTargets, _) = await Node.CallAsync(HttpMethod.Get, "/targets");
        Assert.Equal(404, topTargets);

        var plugin = await Node.CreateAsync("/consumers/nested-consumer/plugins", """{"name":"rate-limiting","config":{"minute":5}}""");
        Assert.Equal(5, plugin["config"]!["minute"]!.GetValue<int>());
        var (routePlugins, _) = await Node.CallAsync(HttpMethod.Get, "/routes/nested-route/plugins");
        Assert.Equal(200, routePlugins);
    }

    [Fact]
    public async Task Deletes_CascadeOrAreRefused_AsKong()
    {
        await Node.CreateAsync("/services", """{"name":"delete-svc","host":"delete.test"}""");
        await Node.CreateAsync("/services/delete-svc/routes", """{"name":"delete-route","paths":["/delete"]}""");
        var (refused, body) = await Node.CallAsync(HttpMethod.Delete, "/services/delete-svc");
        Assert.Equal(400, refused);
        Assert.Equal(4, body!["code"]!.GetValue<int>());
        Assert.Equal("an existing 'routes' entity references this 'services' entity", body["message"]!.GetValue<string>());
        var (stillThere, _) = await Node.CallAsync(HttpMethod.Get, "/services/delete-svc");
        Assert.Equal(200, stillThere);

        await Node.CreateAsync("/consumers", """{"username":"delete-consumer"}""");
        var key = await Node.CreateAsync("/consumers/delete-consumer/key-auth", "{}");
        var (deleted, _) = await Node.CallAsync(HttpMethod.Delete, "/consumers/delete-consumer");
        Assert.Equal(204, deleted);
        var (keyGone, _) = await Node.CallAsync(HttpMethod.Get, $"/key-auths/{key["id"]}");
        Assert.Equal(404, keyGone);

        await Node.CreateAsync("/upstreams", """{"name":"delete-upstream"}""");
        var target = await Node.CreateAsync("/upstreams/delete-upstream/targets", """{"target":"10.0.0.2:80"}""");
        var (upstreamDeleted, _) = await Node.CallAsync(HttpMethod.Delete, "/upstreams/delete-upstream");
        Assert.Equal(204, upstreamDeleted);
        var (none, _) = await Node.CallAsync(HttpMethod.Get, $"/upstreams/delete-upstream/targets/{target["id"]}");
        Assert.Equal(404, none);

        var (missing, _) = await Node.CallAsync(HttpMethod.Delete, $"/services/{Guid.NewGuid()}");
        Assert.Equal(204, missing);
    }

    [Fact]
    public async Task Options_AllowHeader_AndOtherMethods405()
    {
        using var options = await Node.Admin.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/services"));
        Assert.Equal(204, (int)options.StatusCode);
        Assert.Equal("GET, HEAD, OPTIONS, POST", string.Join(", ", options.Content.Headers.Allow));
        var (status, _) = await Node.CallAsync(new HttpMethod("TRACE"), "/services");
        Assert.Equal(405, status);
        var (unknown, body) = await Node.CallAsync(HttpMethod.Get, "/no-such-endpoint");
        Assert.Equal(404, unknown);
        JsonAssert.Equal("""{"message":"Not found"}""", body);
    }

    [Fact]
    public async Task Cors_EchoesOrigin_AndAnswersPreflight()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "/services");
        get.Headers.Add("Origin", "http://admin-ui.test:3000");
        using var response = await Node.Admin.SendAsync(get);
        Assert.Equal("http://admin-ui.test:3000", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/services");
        preflight.Headers.Add("Origin", "http://admin-ui.test:3000");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "X-Custom, Content-Type");
        using var answer = await Node.Admin.SendAsync(preflight);
        Assert.Equal(204, (int)answer.StatusCode);
        Assert.Equal("http://admin-ui.test:3000", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("X-Custom, Content-Type", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());

        using var bare = new HttpRequestMessage(HttpMethod.Options, "/consumers");
        bare.Headers.Add("Origin", "http://other.test");
        bare.Headers.Add("Access-Control-Request-Method", "GET");
        using var bareAnswer = await Node.Admin.SendAsync(bare);
        Assert.Equal("Content-Type", bareAnswer.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task OversizedBody_Is413_AndWritesNothing()
    {
        var huge = new StringBuilder("""{"name":"huge","host":"huge.test","tags":[""");
        // Over the default nginx_admin_client_max_body_size of 10m.
        for (var i = 0; i < 1_800_000; i++)
        {
            huge.Append("\"tag\",");
        }

        huge.Append("\"end\"]}");
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/services", huge.ToString());
        Assert.Equal(413, status);
        Assert.NotNull(body!["message"]);
        var (missing, _) = await Node.CallAsync(HttpMethod.Get, "/services/huge");
        Assert.Equal(404, missing);
    }

    [Theory]
    [InlineData("""{"host":"types.test","port":"abc"}""", "port", "expected an integer")]
    [InlineData("""{"host":"types.test","retries":-1}""", "retries", "value should be between 0 and 32767")]
    [InlineData("""{"host":"types.test","unknown_thing":1}""", "unknown_thing", "unknown field")]
    [InlineData("""{"host":["a"]}""", "host", "expected a string")]
    public async Task WrongTypesAndUnknownFields_AreSchemaViolations(string json, string field, string message)
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/services", json);
        Assert.Equal(400, status);
        Assert.Equal(2, body!["code"]!.GetValue<int>());
        Assert.Equal(message, body["fields"]![field]!.GetValue<string>());
    }

    [Fact]
    public async Task HostileNames_RoundTripOrAreRefusedCleanly()
    {
        var username = "o'brien\"; DROP TABLE entities; -- Zoë 日本";
        var consumer = await Node.CreateAsync("/consumers", new JsonObject { ["username"] = username }.ToJsonString());
        var (status, fetched) = await Node.CallAsync(HttpMethod.Get, $"/consumers/{Uri.EscapeDataString(username)}");
        Assert.Equal(200, status);
        Assert.Equal(consumer["id"]!.GetValue<string>(), fetched!["id"]!.GetValue<string>());

        var (refused, error) = await Node.CallAsync(HttpMethod.Post, "/services", """{"name":"bad'name;","host":"hostile.test"}""");
        Assert.Equal(400, refused);
        Assert.Equal(2, error!["code"]!.GetValue<int>());
        var (bogus, _) = await Node.CallAsync(HttpMethod.Get, "/services/not-a-uuid-nor-a-name");
        Assert.Equal(404, bogus);
    }

    [Fact]
    public async Task MetaEndpoints_Status_Schemas_EnabledPlugins()
    {
        var (status, health) = await Node.CallAsync(HttpMethod.Get, "/status");
        Assert.Equal(200, status);
        Assert.True(health!["database"]!["reachable"]!.GetValue<bool>());

        using var statusApi = await Node.Status.GetAsync("/status");
        Assert.Equal(200, (int)statusApi.StatusCode);

        var (schemaStatus, schema) = await Node.CallAsync(HttpMethod.Get, "/schemas/services");
        Assert.Equal(200, schemaStatus);
        Assert.Contains(schema!["fields"]!.AsArray(), f => f!.AsObject().ContainsKey("host"));

        var (pluginStatus, pluginSchema) = await Node.CallAsync(HttpMethod.Get, "/schemas/plugins/key-auth");
        Assert.Equal(200, pluginStatus);
        var config = pluginSchema!["fields"]!.AsArray().Single(f => f!.AsObject().ContainsKey("config"))!["config"]!;
        Assert.Contains(config["fields"]!.AsArray(), f => f!.AsObject().ContainsKey("key_names"));

        var (missing, missingBody) = await Node.CallAsync(HttpMethod.Get, "/schemas/not-present");
        Assert.Equal(404, missing);
        JsonAssert.Equal("""{"message":"No entity named 'not-present'"}""", missingBody);

        var (valid, ok) = await Node.CallAsync(HttpMethod.Post, "/schemas/routes/validate", """{"paths":["/ok"]}""");
        Assert.Equal(200, valid);
        Assert.Equal("schema validation successful", ok!["message"]!.GetValue<string>());
        var (invalid, _) = await Node.CallAsync(HttpMethod.Post, "/schemas/routes/validate", "{}");
        Assert.Equal(400, invalid);

        var (enabledStatus, enabled) = await Node.CallAsync(HttpMethod.Get, "/plugins/enabled");
        Assert.Equal(200, enabledStatus);
        Assert.Contains(enabled!["enabled_plugins"]!.AsArray(), p => p!.GetValue<string>() == "key-auth");
    }

    [Fact]
    public async Task Root_HasKongConfigurationKeys_AndPluginMaps()
    {
        var service = await Node.CreateAsync("/services", """{"name":"root-svc","host":"root.test"}""");
        await Node.CreateAsync($"/services/{service["id"]}/plugins", """{"name":"cors"}""");
        var (_, root) = await Node.CallAsync(HttpMethod.Get, "/");
        var configuration = root!["configuration"]!.AsObject();
        foreach (var key in new[] { "database", "admin_listen", "proxy_listeners", "admin_gui_listeners", "role", "router_flavor", "prefix" })
        {
            Assert.True(configuration.ContainsKey(key), $"configuration lacks {key}");
        }

        Assert.Equal("traditional", configuration["role"]!.GetValue<string>());
        Assert.Equal("sqlite", configuration["database"]!.GetValue<string>());
        Assert.Equal(1250, root["plugins"]!["available_on_server"]!["key-auth"]!["priority"]!.GetValue<int>());
        Assert.Contains(root["plugins"]!["enabled_in_cluster"]!.AsArray(), p => p!.GetValue<string>() == "cors");
    }
}
