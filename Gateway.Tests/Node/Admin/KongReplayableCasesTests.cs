using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>The replayable cases of shared/reference/kong.md section 2, against a real node: status and body exactly.</summary>
public sealed class KongReplayableCasesTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task Case01_Root_HasKongShape_AndRefusesWrites()
    {
        using var response = await Node.Admin.GetAsync("/");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("kong/", response.Headers.Server.ToString());
        Assert.False(response.Headers.Contains("Via"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Welcome to kong", body["tagline"]!.GetValue<string>());
        Assert.Equal("community", body["edition"]!.GetValue<string>());
        Assert.True(Guid.TryParseExact(body["node_id"]!.GetValue<string>(), "D", out _));

        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
        {
            var (status, error) = await Node.CallAsync(method, "/");
            Assert.Equal(405, status);
            JsonAssert.Equal("""{"message":"Method not allowed"}""", error);
        }
    }

    [Fact]
    public async Task Case02_CreateService_FillsKongDefaults()
    {
        var service = await Node.CreateAsync("/services", """{"protocol":"http","host":"service.test"}""");
        Assert.Null(service["name"]);
        Assert.Equal(80, service["port"]!.GetValue<int>());
        Assert.Equal(60000, service["connect_timeout"]!.GetValue<int>());
        Assert.Equal(60000, service["read_timeout"]!.GetValue<int>());
        Assert.Equal(60000, service["write_timeout"]!.GetValue<int>());
    }

    [Fact]
    public async Task Case03_ServiceUrlShorthand_InfersPort443()
    {
        var service = await Node.CreateAsync("/services", """{"url":"https://service.test/"}""");
        Assert.Equal("https", service["protocol"]!.GetValue<string>());
        Assert.Equal(443, service["port"]!.GetValue<int>());
        Assert.Equal("/", service["path"]!.GetValue<string>());
        Assert.Equal("service.test", service["host"]!.GetValue<string>());
    }

    [Fact]
    public async Task Case04_InvalidUrl_IsTwoSchemaViolations()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/services", """{"url":"invalid url"}""");
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"2 schema violations (host: required field missing; path: should start with: /)","fields":{"host":"required field missing","path":"should start with: /"}}""",
            body);
    }

    [Fact]
    public async Task Case05_MalformedJson_CannotParse()
    {
        using var response = await Node.SendJsonAsync(HttpMethod.Post, "/services", """{"hello": "world" """);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("""{"message":"Cannot parse JSON body"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Case06_ListServices_EmptyThenPaged()
    {
        await using var fresh = await TestNode.StartAsync();
        var (status, empty) = await fresh.CallAsync(HttpMethod.Get, "/services");
        Assert.Equal(200, status);
        JsonAssert.Equal("""{"data":[],"next":null}""", empty);

        for (var i = 0; i < 5; i++)
        {
            await fresh.CreateAsync("/services", $$"""{"name":"paged-{{i}}","host":"paged.test"}""");
        }

        var (_, page) = await fresh.CallAsync(HttpMethod.Get, "/services?size=3");
        Assert.Equal(3, page!["data"]!.AsArray().Count);
        var offset = page["offset"]!.GetValue<string>();
        Assert.Equal($"/services?offset={Uri.EscapeDataString(offset)}&size=3", page["next"]!.GetValue<string>());
    }

    [Fact]
    public async Task Case07_EmptyRoute_NeedsOneMatchingField()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/routes", "{}");
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https')","fields":{"@entity":["must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"]}}""",
            body);
    }

    [Fact]
    public async Task Case08_RouteToMissingServiceName_ForeignKeysUnresolved()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/routes", """{"methods":["GET"],"service":{"name":"non-existing"}}""");
        Assert.Equal(400, status);
        Assert.Equal(13, body!["code"]!.GetValue<int>());
        Assert.Equal("foreign keys unresolved", body["name"]!.GetValue<string>());
        JsonAssert.Equal(
            """{"service":{"name":"the foreign key cannot be resolved with '{name=\"non-existing\"}' for an existing 'services' entity"}}""",
            body["fields"]);
    }

    [Fact]
    public async Task Case09_BadSizeAndOffset()
    {
        var (sizeStatus, sizeBody) = await Node.CallAsync(HttpMethod.Get, "/routes?size=x");
        Assert.Equal(400, sizeStatus);
        JsonAssert.Equal("""{"code":9,"name":"invalid size","message":"size must be a number"}""", sizeBody);

        var (offsetStatus, offsetBody) = await Node.CallAsync(HttpMethod.Get, "/routes?offset=x");
        Assert.Equal(400, offsetStatus);
        JsonAssert.Equal("""{"code":7,"name":"invalid offset","message":"'x' is not a valid offset: bad base64 encoding"}""", offsetBody);
    }

    [Fact]
    public async Task Case10_CollectionRefusesEntityMethods_AndOptionsListsThem()
    {
        foreach (var method in new[] { HttpMethod.Delete, HttpMethod.Put, HttpMethod.Patch })
        {
            var (status, body) = await Node.CallAsync(method, "/routes");
            Assert.Equal(405, status);
            JsonAssert.Equal("""{"message":"Method not allowed"}""", body);
        }

        using var options = await Node.Admin.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/routes/test"));
        Assert.Equal(204, (int)options.StatusCode);
        Assert.Equal("DELETE, GET, HEAD, OPTIONS, PATCH, PUT", options.Content.Headers.Allow.Count > 0
            ? string.Join(", ", options.Content.Headers.Allow)
            : options.Headers.GetValues("Allow").Single());
    }

    [Fact]
    public async Task Case11_PutRoute_CreatesWithTheGivenId()
    {
        var service = await Node.CreateAsync("/services", """{"host":"put-route.test"}""");
        var id = Guid.NewGuid().ToString();
        var (status, route) = await Node.CallAsync(HttpMethod.Put, $"/routes/{id}",
            $$$"""{"paths":["/updated-paths"],"service":{"id":"{{{service["id"]}}}"}}""");
        Assert.Equal(200, status);
        Assert.Equal(id, route!["id"]!.GetValue<string>());
        Assert.Null(route["hosts"]);
        Assert.Null(route["methods"]);
        JsonAssert.Equal("""["/updated-paths"]""", route["paths"]);
    }

    [Fact]
    public async Task Case12_Consumers_UniqueUsername_AndOneFieldRequired()
    {
        await Node.CreateAsync("/consumers", """{"username":"case12-bob"}""");
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/consumers", """{"username":"case12-bob"}""");
        Assert.Equal(409, status);
        Assert.Equal("unique constraint violation", body!["name"]!.GetValue<string>());
        Assert.Equal("UNIQUE violation detected on '{username=\"case12-bob\"}'", body["message"]!.GetValue<string>());

        var (emptyStatus, emptyBody) = await Node.CallAsync(HttpMethod.Post, "/consumers", "{}");
        Assert.Equal(400, emptyStatus);
        JsonAssert.Equal("""["at least one of these fields must be non-empty: 'custom_id', 'username'"]""", emptyBody!["fields"]!["@entity"]);
    }

    [Fact]
    public async Task Case13_ServicePlugins_RequiredName_Duplicate_AndUnknown()
    {
        var service = await Node.CreateAsync("/services", """{"host":"case13.test"}""");
        var path = $"/services/{service["id"]}/plugins";

        var (status, body) = await Node.CallAsync(HttpMethod.Post, path, "{}");
        Assert.Equal(400, status);
        Assert.Equal("schema violation (name: required field missing)", body!["message"]!.GetValue<string>());

        await Node.CreateAsync(path, """{"name":"basic-auth"}""");
        var (dupStatus, dupBody) = await Node.CallAsync(HttpMethod.Post, path, """{"name":"basic-auth"}""");
        Assert.Equal(409, dupStatus);
        Assert.Equal(5, dupBody!["code"]!.GetValue<int>());

        var (fooStatus, fooBody) = await Node.CallAsync(HttpMethod.Post, path, """{"name":"foo"}""");
        Assert.Equal(400, fooStatus);
        Assert.Equal("plugin 'foo' not enabled; add it to the 'plugins' configuration property", fooBody!["fields"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Case15_Proxy_NoRouteMatched()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "inexistent.com";
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Node.Proxy.SendAsync(request);
        Assert.Equal(404, (int)response.StatusCode);
        Assert.StartsWith("kong/", response.Headers.Server.ToString());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("no Route matched with those values", body["message"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), body["request_id"]!.GetValue<string>());
    }
}
