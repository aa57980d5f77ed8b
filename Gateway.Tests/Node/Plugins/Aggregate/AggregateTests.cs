using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Aggregate;

/// <summary>Plugin: aggregate, on a route without a service, against real Kestrel backends (<see cref="AggregateBackends"/>).</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class AggregateTests(PluginNode node, AggregateBackends backends) : IClassFixture<AggregateBackends>
{
    private static int _routes;

    [Fact]
    public async Task Merge_InBackendOrder_LaterWinsAKey_WithJsonAndCompleted()
    {
        var svc = await ServiceAsync();
        var path = await AggregateAsync($$"""
            {"backends":[
              {"name":"first","service":"{{svc}}","path":"/users/7"},
              {"name":"second","service":"{{svc}}","path":"/users/8","allow":["id"]}
            ]}
            """);

        using var response = await node.Proxy.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("true", response.Headers.GetValues("X-Gateway-Completed").Single());
        JsonAssert.Equal(
            """{"id":"8","name":"user-7","address":{"city":"Lyon","zip":"69000"},"secret":"s3cret"}""",
            JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Group_Target_AllowDeny_Mapping_IsCollection_ShapeEachAnswer()
    {
        var svc = await ServiceAsync();
        var prefix = Guid.NewGuid().ToString("N");
        await AggregateAsync($$$"""
            {"backends":[
              {"name":"user","service":"{{{svc}}}","path":"/users/{uri_captures.id}","group":"profile","deny":["secret","address.zip"],"mapping":{"name":"full_name"}},
              {"name":"city","service":"{{{svc}}}","path":"/users/1","target":"address","allow":["city"]},
              {"name":"orders","service":"{{{svc}}}","path":"/orders?user={uri_captures.id}","is_collection":true,"mapping":{"collection":"orders"}}
            ]}
            """, routePath: $"~/shape-{prefix}/(?<id>\\d+)$");

        var answer = await GetJsonAsync($"/shape-{prefix}/5");

        JsonAssert.Equal(
            """
            {"profile":{"id":"5","full_name":"user-5","address":{"city":"Lyon"}},
             "city":"Lyon",
             "orders":[{"id":1,"user":"5"},{"id":2,"user":"5"}]}
            """,
            answer);
    }

    [Fact]
    public async Task DependsOn_TakesValuesFromEarlierAnswers_WhateverTheConfigOrder()
    {
        var svc = await ServiceAsync();
        var path = await AggregateAsync($$"""
            {"backends":[
              {"name":"orders","service":"{{svc}}","path":"/orders?user={user.name}","depends_on":["user"],"group":"orders","forward_query":false},
              {"name":"user","service":"{{svc}}","path":"/users/{query.id}","allow":["name"],"forward_query":false},
              {"name":"where","service":"{{svc}}","path":"/echo?zip={user.address.zip}&first={orders.0.id}","depends_on":["user","orders"],"target":"query","group":"where","forward_query":false}
            ]}
            """);

        var answer = await GetJsonAsync(path + "?id=3");

        JsonAssert.Equal(
            """{"orders":[{"id":1,"user":"user-3"},{"id":2,"user":"user-3"}],"name":"user-3","where":"?zip=69000&first=1"}""",
            answer);
    }

    [Fact]
    public async Task IndependentBackends_RunInParallel()
    {
        // Each backend answers only once the other's request has arrived: called one after the other, the first would wait out its 1.5 s and fail.
        var svc = await ServiceAsync();
        var (a, b) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        var path = await AggregateAsync($$"""
            {"include_status":true,"backends":[
              {"name":"a","service":"{{svc}}","path":"/meet/{{a}}/{{b}}"},
              {"name":"b","service":"{{svc}}","path":"/meet/{{b}}/{{a}}"}
            ]}
            """);

        using var response = await node.Proxy.GetAsync(path);

        Assert.Equal("true", response.Headers.GetValues("X-Gateway-Completed").Single());
        JsonAssert.Equal($$$"""{"{{{a}}}":true,"{{{b}}}":true,"_status":{"a":200,"b":200}}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task FailedBackend_LeavesNullInItsGroup_SkipsItsDependents_AndSaysIncomplete()
    {
        var svc = await ServiceAsync();
        var key = Guid.NewGuid().ToString("N");
        var path = await AggregateAsync($$"""
            {"include_status":true,"backends":[
              {"name":"user","service":"{{svc}}","path":"/users/1","allow":["id"]},
              {"name":"broken","service":"{{svc}}","path":"/status/500","group":"extra"},
              {"name":"after","service":"{{svc}}","path":"/users/{broken.error}{{key}}","depends_on":["broken"]}
            ]}
            """);

        using var response = await node.Proxy.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("X-Gateway-Completed").Single());
        JsonAssert.Equal("""{"id":"1","extra":null,"_status":{"user":200,"broken":500}}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        Assert.Equal(0, backends.Hits($"/users/500{key}"));
    }

    [Theory]
    [InlineData("/status/503", 502, "An invalid response was received from the upstream server")]
    [InlineData("/delay/3000", 504, "The upstream server is timing out")]
    public async Task RequiredBackendFails_FailsTheRequest_WithKongsErrorBody(string failing, int status, string message)
    {
        var svc = await ServiceAsync();
        var path = await AggregateAsync($$"""
            {"backends":[
              {"name":"user","service":"{{svc}}","path":"/users/1"},
              {"name":"needed","service":"{{svc}}","path":"{{failing}}","required":true,"timeout":300}
            ]}
            """);

        using var response = await node.Proxy.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("X-Gateway-Completed").Single());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(message, body["message"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), body["request_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Timeouts_OfABackendAndOfTheWhole_AreStatusZero()
    {
        // "whole" would answer within its own timeout: only the fan-out's 600 ms can make it 0.
        var svc = await ServiceAsync();
        var path = await AggregateAsync($$"""
            {"include_status":true,"timeout":600,"backends":[
              {"name":"fast","service":"{{svc}}","path":"/delay/10"},
              {"name":"own","service":"{{svc}}","path":"/delay/2000","timeout":200},
              {"name":"whole","service":"{{svc}}","path":"/delay/3000","timeout":5000}
            ]}
            """);

        var started = Stopwatch.GetTimestamp();
        using var response = await node.Proxy.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("X-Gateway-Completed").Single());
        JsonAssert.Equal("""{"delayed":10,"_status":{"fast":200,"own":0,"whole":0}}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1.9), "the whole fan-out's timeout ended the wait");
    }

    [Fact]
    public async Task LogRecord_OfTheClientRequest_CarriesEachBackendsStatus()
    {
        var svc = await ServiceAsync();
        var log = Path.Combine(Path.GetTempPath(), $"aggregate-{Guid.NewGuid():N}.log");
        try
        {
            var path = await AggregateAsync(
                $$$"""{"backends":[{"name":"ok","service":"{{{svc}}}","path":"/users/1"},{"name":"missing","service":"{{{svc}}}","path":"/status/404","group":"m"}]}""",
                plugins: ("file-log", new JsonObject { ["path"] = log }.ToJsonString()));

            using var response = await node.Proxy.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            await Eventually.HoldsAsync(() => File.Exists(log) && File.ReadAllText(log).EndsWith('\n'), TimeSpan.FromSeconds(5), "the log line was written");
            var record = JsonNode.Parse(File.ReadAllLines(log).Single())!;
            JsonAssert.Equal("""{"ok":200,"missing":404}""", record["aggregate"]);
            Assert.Equal(200, record["response"]!["status"]!.GetValue<int>());
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task EveryBackendFailed_Is502()
    {
        var svc = await ServiceAsync();
        var path = await AggregateAsync($$"""
            {"backends":[{"name":"a","service":"{{svc}}","path":"/status/500"},{"name":"b","service":"{{svc}}","path":"/status/404"}]}
            """);

        using var response = await node.Proxy.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("X-Gateway-Completed").Single());
    }

    [Fact]
    public async Task NonJsonAnswer_OfTheOnlyBackend_PassesThroughUntouched_OfOneOfSeveral_IsAnError()
    {
        var svc = await ServiceAsync();
        var single = await AggregateAsync($$"""{"backends":[{"name":"text","service":"{{svc}}","path":"/text"}]}""");
        var several = await AggregateAsync($$"""
            {"include_status":true,"backends":[{"name":"text","service":"{{svc}}","path":"/text"},{"name":"user","service":"{{svc}}","path":"/users/2","allow":["id"]}]}
            """);

        using var passed = await node.Proxy.GetAsync(single);
        using var merged = await node.Proxy.GetAsync(several);

        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Equal("text/plain", passed.Content.Headers.ContentType!.MediaType);
        Assert.Equal("yes", passed.Headers.GetValues("X-Backend-Text").Single());
        Assert.Equal("plain text, passed on", await passed.Content.ReadAsStringAsync());
        Assert.Equal("false", merged.Headers.GetValues("X-Gateway-Completed").Single());
        JsonAssert.Equal("""{"id":"2","_status":{"text":200,"user":200}}""", JsonNode.Parse(await merged.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task AnswerLargerThanTheLimit_IsAnErrorForThatBackend()
    {
        var svc = await ServiceAsync();
        var path = await AggregateAsync($$"""
            {"max_response_size":1024,"backends":[{"name":"big","service":"{{svc}}","path":"/big"},{"name":"user","service":"{{svc}}","path":"/users/4","allow":["id"]}]}
            """);

        using var response = await node.Proxy.GetAsync(path);

        Assert.Equal("false", response.Headers.GetValues("X-Gateway-Completed").Single());
        JsonAssert.Equal("""{"id":"4"}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Post_ForwardsTheBodyOnlyWhereAsked_AndTheMethodAsConfigured()
    {
        var svc = await ServiceAsync();
        var path = await AggregateAsync($$"""
            {"backends":[
              {"name":"with","service":"{{svc}}","path":"/echo","forward_body":true,"group":"with"},
              {"name":"without","service":"{{svc}}","path":"/echo","group":"without"},
              {"name":"get","service":"{{svc}}","path":"/echo","method":"GET","group":"get"}
            ]}
            """);

        using var response = await node.Proxy.PostAsync(path, new StringContent("""{"search":"shoes"}""", Encoding.UTF8, "application/json"));
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("POST", answer["with"]!["method"]!.GetValue<string>());
        Assert.Equal("""{"search":"shoes"}""", answer["with"]!["body"]!.GetValue<string>());
        Assert.StartsWith("application/json", answer["with"]!["headers"]!["content-type"]!.GetValue<string>());
        Assert.Equal("POST", answer["without"]!["method"]!.GetValue<string>());
        Assert.Equal("", answer["without"]!["body"]!.GetValue<string>());
        Assert.Equal("GET", answer["get"]!["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuthPluginOnTheRoute_RunsOnce_ItsConsumerHeadersReachEveryBackend()
    {
        var svc = await ServiceAsync();
        var consumer = $"agg-{Guid.NewGuid():N}";
        await node.Node.CreateAsync("/consumers", $$"""{"username":"{{consumer}}"}""");
        await node.Node.CreateAsync($"/consumers/{consumer}/key-auth", $$"""{"key":"{{consumer}}-key"}""");
        var path = await AggregateAsync(
            $$"""
            {"backends":[
              {"name":"a","service":"{{svc}}","path":"/echo","target":"headers","allow":["x-consumer-username"],"group":"a"},
              {"name":"b","service":"{{svc}}","path":"/echo?who={consumer.username}","target":"query","group":"b"}
            ]}
            """,
            plugins: ("key-auth", "{}"));
        var echoes = backends.Hits("/echo");

        using var refused = await node.Proxy.GetAsync(path);
        var hitsAfterRefusal = backends.Hits("/echo");
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "apikey", $"{consumer}-key" } } };
        using var response = await node.Proxy.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(echoes, hitsAfterRefusal);
        JsonAssert.Equal($$"""{"a":{"x-consumer-username":"{{consumer}}"},"b":"?who={{consumer}}"}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task ClientDisconnects_CancelsThePendingBackendCalls()
    {
        var svc = await ServiceAsync();
        var key = Guid.NewGuid().ToString("N");
        var path = await AggregateAsync($$"""
            {"timeout":20000,"backends":[{"name":"hang","service":"{{svc}}","path":"/hang/{{key}}","timeout":20000},{"name":"user","service":"{{svc}}","path":"/users/1"}]}
            """);

        using var gone = new CancellationTokenSource();
        var call = node.Proxy.GetAsync(path, gone.Token);
        await Eventually.HoldsAsync(() => backends.Hits($"/hang/{key}") == 1, TimeSpan.FromSeconds(5), "the backend got its request");
        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await backends.Aborted(key).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task BackendCalls_GoThroughTheServicesBalancer_RetryingADeadTarget()
    {
        // Round-robin over a dead target and the live one: every call that lands on the dead one is tried again on the other.
        var upstream = $"agg-up-{Guid.NewGuid():N}";
        await node.Node.CreateAsync("/upstreams", $$"""{"name":"{{upstream}}"}""");
        await node.Node.CreateAsync($"/upstreams/{upstream}/targets", $$"""{"target":"127.0.0.1:{{FreePorts.Next()}}"}""");
        await node.Node.CreateAsync($"/upstreams/{upstream}/targets", $$"""{"target":"127.0.0.1:{{backends.Port}}"}""");
        var svc = $"agg-{Guid.NewGuid():N}";
        await node.Node.CreateAsync("/services", $$"""{"name":"{{svc}}","host":"{{upstream}}","retries":1}""");
        var path = await AggregateAsync($$$"""
            {"include_status":true,"backends":[{"name":"a","service":"{{{svc}}}","path":"/users/1","allow":["id"]},{"name":"b","service":"{{{svc}}}","path":"/users/2","allow":["name"]}]}
            """);

        for (var i = 0; i < 4; i++)
        {
            using var response = await node.Proxy.GetAsync(path);
            Assert.Equal("true", response.Headers.GetValues("X-Gateway-Completed").Single());
            JsonAssert.Equal("""{"id":"1","name":"user-2","_status":{"a":200,"b":200}}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task Schema_RefusesUnknownServices_UndeclaredDependencies_Cycles_AndTooManyBackends()
    {
        var svc = await ServiceAsync();
        var route = await node.Node.CreateAsync("/routes", $$$"""{"paths":["/agg-schema-{{Guid.NewGuid():N}}"]}""");
        var plugins = $"/routes/{route["id"]}/plugins";

        var (unknownStatus, unknown) = await node.Node.CallAsync(HttpMethod.Post, plugins, """
            {"name":"aggregate","config":{"backends":[{"name":"a","service":"no-such-service"}]}}
            """);
        var (undeclaredStatus, undeclared) = await node.Node.CallAsync(HttpMethod.Post, plugins, $$$"""
            {"name":"aggregate","config":{"backends":[{"name":"a","service":"{{{svc}}}"},{"name":"b","service":"{{{svc}}}","path":"/users/{a.id}"}]}}
            """);
        var (cycleStatus, cycle) = await node.Node.CallAsync(HttpMethod.Post, plugins, $$$"""
            {"name":"aggregate","config":{"backends":[{"name":"a","service":"{{{svc}}}","depends_on":["b"]},{"name":"b","service":"{{{svc}}}","depends_on":["a"]}]}}
            """);
        var many = string.Join(",", Enumerable.Range(0, 33).Select(i => $$"""{"name":"b{{i}}","service":"{{svc}}"}"""));
        var (manyStatus, tooMany) = await node.Node.CallAsync(HttpMethod.Post, plugins, $$$"""{"name":"aggregate","config":{"backends":[{{{many}}}]}}""");

        Assert.Equal((400, 400, 400, 400), (unknownStatus, undeclaredStatus, cycleStatus, manyStatus));
        JsonAssert.Equal(
            """
            {"code":2,"name":"schema violation",
             "message":"schema violation (config.@entity: [\"backends.1.service: no services entity with id or name 'no-such-service'\"])",
             "fields":{"config":{"@entity":["backends.1.service: no services entity with id or name 'no-such-service'"]}}}
            """,
            unknown);
        JsonAssert.Equal("""{"config":{"@entity":["backend 'b': its path reads 'a', which is not in its depends_on"]}}""", undeclared!["fields"]);
        JsonAssert.Equal("""{"config":{"@entity":["backends depend on each other in a cycle: a -> b -> a"]}}""", cycle!["fields"]);
        JsonAssert.Equal("""{"config":{"backends":"length must be at most 32"}}""", tooMany!["fields"]);
    }

    /// <summary>A service on the test backend, by a name of its own.</summary>
    private async Task<string> ServiceAsync()
    {
        var name = $"agg-{Guid.NewGuid():N}";
        await node.Node.CreateAsync("/services", $$$"""{"name":"{{{name}}}","host":"127.0.0.1","port":{{{backends.Port}}}}""");
        return name;
    }

    /// <summary>A route without a service with the aggregate (and any other plugins) on it; returns its path.</summary>
    private async Task<string> AggregateAsync(string config, string? routePath = null, params (string Name, string Config)[] plugins)
    {
        var path = routePath ?? $"/agg{Interlocked.Increment(ref _routes)}-{Guid.NewGuid():N}";
        var route = await node.Node.CreateAsync("/routes", new JsonObject { ["paths"] = new JsonArray(path) }.ToJsonString());
        foreach (var (name, pluginConfig) in plugins.Append(("aggregate", config)))
        {
            await node.Node.CreateAsync($"/routes/{route["id"]}/plugins", $$"""{"name":"{{name}}","config":{{pluginConfig}}}""");
        }

        return path;
    }

    private async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await node.Proxy.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
