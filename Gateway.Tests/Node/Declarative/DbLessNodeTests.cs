using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Hosting;
using Gateway.Storage.Declarative;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Declarative;

/// <summary>A real node with <c>database = off</c>: it serves its declarative file, refuses writes, and takes new configs on <c>/config</c>.</summary>
public sealed class DbLessNodeTests : IAsyncLifetime
{
    private const string File = """
        _format_version: "3.0"
        services:
        - name: orders
          url: http://orders.internal:8080
          tags: [team-a]
          routes:
          - name: orders-route
            paths: [/orders]
        consumers:
        - username: alice
          keyauth_credentials:
          - key: alice-key
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-dbless-").FullName;
    private TestNode? _node;

    private TestNode Node => _node!;

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_folder, "kong.yml");
        await System.IO.File.WriteAllTextAsync(path, File);
        _node = await TestNode.StartAsync("--database", "off", "--declarative_config", path);
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Node_ServesItsDeclarativeFile_ThroughTheAdminApi()
    {
        var (status, service) = await Node.CallAsync(HttpMethod.Get, "/services/orders");
        Assert.Equal(200, status);
        Assert.Equal("orders.internal", service!["host"]!.GetValue<string>());
        Assert.Equal(DeterministicUuid.ForEntity("services", "orders"), service["id"]!.GetValue<string>());

        var (_, routes) = await Node.CallAsync(HttpMethod.Get, "/services/orders/routes");
        Assert.Equal("orders-route", Assert.Single(routes!["data"]!.AsArray())!["name"]!.GetValue<string>());
        var (_, keys) = await Node.CallAsync(HttpMethod.Get, "/consumers/alice/key-auth");
        Assert.Equal("alice-key", Assert.Single(keys!["data"]!.AsArray())!["key"]!.GetValue<string>());
        var (_, tagged) = await Node.CallAsync(HttpMethod.Get, "/services?tags=team-a");
        Assert.Single(tagged!["data"]!.AsArray());
        var (_, tags) = await Node.CallAsync(HttpMethod.Get, "/tags/team-a");
        JsonAssert.Equal($$"""{"data":[{"tag":"team-a","entity_name":"services","entity_id":"{{service["id"]}}"}],"next":null}""", tags);
    }

    [Fact]
    public async Task Case14_WritesAre405Code12_AndPostConfigIs201()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/routes", """{"paths":["/x"]}""");
        Assert.Equal(405, status);
        JsonAssert.Equal("""{"code":12,"name":"operation unsupported","message":"cannot create 'routes' entities when not using a database"}""", body);

        (status, body) = await Node.CallAsync(HttpMethod.Post, "/config", """{"_format_version":"1.1","consumers":[{"username":"x"}]}""");
        Assert.Equal(201, status);
        var id = DeterministicUuid.ForEntity("consumers", "x");
        Assert.Equal("x", body!["consumers"]![id]!["username"]!.GetValue<string>());

        var (consumerStatus, _) = await Node.CallAsync(HttpMethod.Get, "/consumers/x");
        Assert.Equal(200, consumerStatus);
        var (serviceStatus, _) = await Node.CallAsync(HttpMethod.Get, "/services/orders");
        Assert.Equal(404, serviceStatus);
    }

    [Theory]
    [InlineData("PATCH", "/services/orders", """{"port":81}""", "cannot update 'services' entities when not using a database")]
    [InlineData("PUT", "/services/orders", """{"host":"x.test"}""", "cannot create or update 'services' entities when not using a database")]
    [InlineData("DELETE", "/services/orders", null, "cannot remove 'services' entities when not using a database")]
    [InlineData("POST", "/consumers/alice/key-auth", "{}", "cannot create 'keyauth_credentials' entities when not using a database")]
    [InlineData("POST", "/services/orders/routes", """{"paths":["/y"]}""", "cannot create 'routes' entities when not using a database")]
    public async Task Writes_AreRefusedWithKongsMessages(string method, string path, string? json, string message)
    {
        var (status, body) = await Node.CallAsync(new HttpMethod(method), path, json);
        Assert.Equal(405, status);
        JsonAssert.Equal($$"""{"code":12,"name":"operation unsupported","message":"{{message}}"}""", body);
    }

    [Fact]
    public async Task InvalidWrite_IsStillASchemaViolationFirst()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/services", """{"port":-1}""");
        Assert.Equal(400, status);
        Assert.Equal(2, body!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task PostConfig_Invalid_Is400WithLocatedErrors_AndKeepsTheOldConfig()
    {
        var request = new JsonObject { ["config"] = "_format_version: \"1.1\"\nservices:\n- port: -12\n" };
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/config", request.ToJsonString());
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":14,"name":"invalid declarative configuration","message":"declarative config is invalid: {services={{host=\"required field missing\",port=\"value should be between 0 and 65535\"}}}","fields":{"services":[{"host":"required field missing","port":"value should be between 0 and 65535"}]}}""",
            body);
        var (serviceStatus, _) = await Node.CallAsync(HttpMethod.Get, "/services/orders");
        Assert.Equal(200, serviceStatus);
    }

    [Fact]
    public async Task PostConfig_NotAConfig_IsCode14ParsingError()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/config", """{"config":"bobby tables"}""");
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":14,"name":"invalid declarative configuration","message":"declarative config is invalid: {error=\"failed parsing declarative configuration: expected an object\"}","fields":{"error":"failed parsing declarative configuration: expected an object"}}""",
            body);
    }

    [Fact]
    public async Task PostConfig_NoInput_Is400()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/config");
        Assert.Equal(400, status);
        JsonAssert.Equal("""{"message":"expected a declarative configuration"}""", body);
    }

    [Fact]
    public async Task PostConfig_CheckHash_Is304WhenUnchanged()
    {
        var request = new JsonObject { ["config"] = "_format_version: \"1.1\"\nconsumers:\n- username: bobby_tables\n" }.ToJsonString();
        var (first, _) = await Node.CallAsync(HttpMethod.Post, "/config?check_hash=1", request);
        Assert.Equal(201, first);
        var (second, _) = await Node.CallAsync(HttpMethod.Post, "/config?check_hash=1", request);
        Assert.Equal(304, second);
        var (withoutCheck, _) = await Node.CallAsync(HttpMethod.Post, "/config", request);
        Assert.Equal(201, withoutCheck);
    }

    [Fact]
    public async Task PostConfig_YamlBody_AndFormField_AreAccepted()
    {
        using var yaml = new StringContent("_format_version: \"3.0\"\nconsumers:\n- username: from-yaml\n", Encoding.UTF8, "application/x-yaml");
        using var yamlResponse = await Node.Admin.PostAsync("/config", yaml);
        Assert.Equal(HttpStatusCode.Created, yamlResponse.StatusCode);

        using var form = new FormUrlEncodedContent([new("config", "{\"_format_version\":\"3.0\",\"consumers\":[{\"username\":\"from-form\"}]}")]);
        using var formResponse = await Node.Admin.PostAsync("/config", form);
        Assert.Equal(HttpStatusCode.Created, formResponse.StatusCode);
        var (status, _) = await Node.CallAsync(HttpMethod.Get, "/consumers/from-form");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task GetConfig_ReturnsTheServedConfigAsYaml()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Get, "/config");
        Assert.Equal(200, status);
        var document = DeclarativeText.Parse(body!["config"]!.GetValue<string>())!;
        Assert.Equal("3.0", document["_format_version"]!.GetValue<string>());
        Assert.Equal("orders", document["services"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(document["services"]![0]!["id"]!.GetValue<string>(), document["routes"]![0]!["service"]!.GetValue<string>());

        // What GET /config returns can be posted back as is.
        var (repost, _) = await Node.CallAsync(HttpMethod.Post, "/config", body.ToJsonString());
        Assert.Equal(201, repost);
    }

    [Fact]
    public async Task PostConfig_UnderTraffic_NoRequestFails_AndEachNewConfigIsLiveOnReturn()
    {
        await using var backend = await Backend.StartAsync();
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var requests = 0;
        async Task TrafficAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var service = await Node.Admin.GetAsync("/services/stable");
                    using var routes = await Node.Admin.GetAsync("/routes?size=1000");
                    using var proxied = await Node.Proxy.GetAsync("/stable");
                    var text = await routes.Content.ReadAsStringAsync();
                    var count = JsonNode.Parse(text)!["data"]!.AsArray().Count;
                    if (service.StatusCode != HttpStatusCode.OK || routes.StatusCode != HttpStatusCode.OK || proxied.StatusCode != HttpStatusCode.OK || count != 2)
                    {
                        lock (failures)
                        {
                            failures.Add($"{service.StatusCode} {routes.StatusCode} {proxied.StatusCode} routes={count}");
                        }
                    }

                    Interlocked.Increment(ref requests);
                }
                catch (HttpRequestException e)
                {
                    lock (failures)
                    {
                        failures.Add(e.Message);
                    }
                }
            }
        }

        var seed = await Node.CallAsync(HttpMethod.Post, "/config", Generation(0, backend.Port));
        Assert.Equal(201, seed.Status);
        var traffic = Enumerable.Range(0, 4).Select(_ => Task.Run(TrafficAsync)).ToList();
        for (var generation = 1; generation <= 20; generation++)
        {
            var (status, _) = await Node.CallAsync(HttpMethod.Post, "/config", Generation(generation, backend.Port));
            Assert.Equal(201, status);
            var (live, route) = await Node.CallAsync(HttpMethod.Get, $"/routes/route-{generation}");
            Assert.Equal(200, live);
            Assert.Equal($"/gen-{generation}", route!["paths"]![0]!.GetValue<string>());
            var (gone, _) = await Node.CallAsync(HttpMethod.Get, $"/routes/route-{generation - 1}");
            Assert.Equal(404, gone);
        }

        await stop.CancelAsync();
        await Task.WhenAll(traffic);
        Assert.Empty(failures);
        Assert.True(requests > 20, $"only {requests} requests ran");
    }

    /// <summary>A config with a stable service and route plus one route that changes every generation.</summary>
    private static string Generation(int n, int port) => new JsonObject
    {
        ["_format_version"] = "3.0",
        ["services"] = new JsonArray(new JsonObject
        {
            ["name"] = "stable",
            ["host"] = "127.0.0.1",
            ["port"] = port,
            ["routes"] = new JsonArray(
                new JsonObject { ["name"] = "stable-route", ["paths"] = new JsonArray("/stable") },
                new JsonObject { ["name"] = $"route-{n}", ["paths"] = new JsonArray($"/gen-{n}") }),
        }),
    }.ToJsonString();
}

/// <summary>Nodes whose declarative setting is wrong, and /config on a node with a database.</summary>
public sealed class DbLessStartTests
{
    [Fact]
    public async Task InvalidDeclarativeFile_StopsStartUpWithTheCode14Message()
    {
        var folder = Directory.CreateTempSubdirectory("gateway-dbless-bad-").FullName;
        try
        {
            var path = Path.Combine(folder, "kong.yml");
            await File.WriteAllTextAsync(path, "_format_version: \"3.0\"\nroutes:\n- name: r\n  paths: [/]\n  service: missing\n");
            var error = await Assert.ThrowsAsync<NodeStartException>(() => TestNode.StartAsync("--database", "off", "--declarative_config", path));
            Assert.Equal(
                $"declarative_config {path}: declarative config is invalid: {{routes={{r={{\"invalid reference 'service: missing' (no such entry in 'services')\"}}}}}}",
                error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task DbLessWithoutFile_StartsEmpty_AndTakesConfigLater()
    {
        await using var node = await TestNode.StartAsync("--database", "off");
        var (_, empty) = await node.CallAsync(HttpMethod.Get, "/services");
        JsonAssert.Equal("""{"data":[],"next":null}""", empty);
        var (status, _) = await node.CallAsync(HttpMethod.Post, "/config", """{"_format_version":"3.0","services":[{"name":"s","host":"s.test"}]}""");
        Assert.Equal(201, status);
        var (found, _) = await node.CallAsync(HttpMethod.Get, "/services/s");
        Assert.Equal(200, found);
    }

    [Fact]
    public async Task ConfigEndpoint_WithADatabase_Is400()
    {
        await using var node = await TestNode.StartAsync();
        var (status, body) = await node.CallAsync(HttpMethod.Post, "/config", """{"_format_version":"3.0"}""");
        Assert.Equal(400, status);
        JsonAssert.Equal("""{"message":"this endpoint is only available when Kong is configured to not use a database"}""", body);
    }
}

/// <summary><c>POST /config?flatten_errors=1</c>.</summary>
public sealed class DbLessFlattenErrorsTests
{
    [Fact]
    public async Task PostConfig_FlattenErrors_AnswersKongsFlatList()
    {
        await using var node = await TestNode.StartAsync("--database", "off");
        var request = new JsonObject { ["config"] = "_format_version: \"3.0\"\nconsumers:\n- username: bobby\n  not_allowed: true\n  tags: [consumer-02]\n" };
        var (status, body) = await node.CallAsync(HttpMethod.Post, "/config?flatten_errors=1", request.ToJsonString());
        Assert.Equal(400, status);
        JsonAssert.Equal("""
            {"code":14,"name":"invalid declarative configuration","message":"declarative config is invalid: {}","fields":{},
             "flattened_errors":[{"entity":{"username":"bobby","not_allowed":true,"tags":["consumer-02"]},"entity_tags":["consumer-02"],
               "entity_type":"consumer","errors":[{"field":"not_allowed","message":"unknown field","type":"field"}]}]}
            """, body);
    }
}

/// <summary>A DB-less node keeps serving the config last posted to it across a restart.</summary>
public sealed class DbLessRestartTests
{
    [Fact]
    public async Task PostedConfig_SurvivesARestart()
    {
        await using var node = await TestNode.StartAsync("--database", "off");
        var config = """{"_format_version":"3.0","services":[{"name":"kept","host":"kept.test"}]}""";
        Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/config", config)).Status);

        await node.StopAsync();
        await node.StartAgainAsync();
        Assert.Equal("kept.test", (await node.GetAsync("/services/kept"))["host"]!.GetValue<string>());
        Assert.Equal(304, (await node.CallAsync(HttpMethod.Post, "/config?check_hash=1", config)).Status);
    }
}
