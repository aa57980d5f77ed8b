using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Pipeline;

/// <summary>
/// Kong's phases end to end (kong/runloop/plugins_iterator.lua, kong/pdk/response.lua exit): order by
/// priority, rewrite for global plugins only, an answer in access skipping the later access handlers
/// but not their header filter and log, plugin failures answering 500, log records off the request.
/// </summary>
public sealed class PipelinePhaseTests(PipelinePhaseTests.Fixture fixture) : IClassFixture<PipelinePhaseTests.Fixture>
{
    [Fact]
    public async Task Phases_RunInPriorityOrder_RewriteOnlyForGlobals()
    {
        var id = Guid.NewGuid().ToString();
        var path = await fixture.RouteAsync(("test-recorder-high", "{}"));
        using var response = await SendAsync(path, id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var runs = await RunsAsync(id, expectedLogs: 2);
        Assert.Equal(
            [
                "test-recorder-low:rewrite",
                "test-recorder-high:access", "test-recorder-low:access",
                "test-recorder-high:header_filter", "test-recorder-low:header_filter",
                "test-recorder-high:body_filter", "test-recorder-low:body_filter",
            ],
            runs.Where(r => !r.EndsWith(":log", StringComparison.Ordinal)));
        Assert.Equal(2, runs.Count(r => r.EndsWith(":log", StringComparison.Ordinal)));

        // Response headers set in access survive the upstream's (rate limiting sets its headers there).
        Assert.Equal(["test-recorder-high", "test-recorder-low"], response.Headers.GetValues("X-Set-In-Access"));
        Assert.Equal("backend", response.Headers.GetValues("X-Backend").Single());
    }

    [Fact]
    public async Task Exit_SkipsLaterAccess_ButNotTheirHeaderFilterAndLog()
    {
        var id = Guid.NewGuid().ToString();
        var path = await fixture.RouteAsync(("test-recorder-high", """{"exit":418}"""));
        using var response = await SendAsync(path, id);
        Assert.Equal(418, (int)response.StatusCode);
        Assert.Equal("""{"by":"test-recorder-high"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.True(response.Headers.Contains("X-Kong-Response-Latency"));
        var runs = await RunsAsync(id, expectedLogs: 2);
        Assert.DoesNotContain("test-recorder-low:access", runs);
        Assert.Contains("test-recorder-low:header_filter", runs);
        Assert.Contains("test-recorder-low:log", runs);
    }

    [Fact]
    public async Task FailingPlugin_Answers500()
    {
        var path = await fixture.RouteAsync(("test-recorder-high", """{"throw":true}"""));
        using var response = await SendAsync(path, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("""{"message":"An unexpected error occurred"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NoRoute_RunsGlobalHeaderFilterAndLog()
    {
        var id = Guid.NewGuid().ToString();
        using var response = await SendAsync("/nowhere-at-all", id);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var runs = await RunsAsync(id, expectedLogs: 1);
        Assert.Equal(["test-recorder-low:rewrite", "test-recorder-low:header_filter", "test-recorder-low:body_filter", "test-recorder-low:log"], runs);
        var log = PhaseRecorderPlugin.Logs[id + ":test-recorder-low"];
        Assert.Equal(404, log.Status);
        Assert.Null(log.Route);
        Assert.Equal("kong", log.Source);
    }

    [Fact]
    public async Task LogRecord_DescribesTheProxiedRequest()
    {
        var id = Guid.NewGuid().ToString();
        var path = await fixture.RouteAsync();
        using var response = await SendAsync(path + "/x?a=1&a=2&flag", id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RunsAsync(id, expectedLogs: 1);
        var log = PhaseRecorderPlugin.Logs[id + ":test-recorder-low"];
        var record = log.Serialize();
        Assert.Equal(200, record["response"]!["status"]!.GetValue<int>());
        Assert.Equal("GET", record["request"]!["method"]!.GetValue<string>());
        Assert.Equal(path + "/x?a=1&a=2&flag", record["request"]!["uri"]!.GetValue<string>());
        Assert.Equal("""{"a":["1","2"],"flag":true}""", record["request"]!["querystring"]!.ToJsonString());
        Assert.Equal("/x?a=1&a=2&flag", record["upstream_uri"]!.GetValue<string>());
        Assert.Equal("200", record["upstream_status"]!.GetValue<string>());
        Assert.Equal("upstream", record["source"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", record["client_ip"]!.GetValue<string>());
        Assert.Equal(fixture.LastRouteId, record["route"]!["id"]!.GetValue<string>());
        Assert.Equal("backend", record["response"]!["headers"]!["x-backend"]!.GetValue<string>());
        Assert.True(record["latencies"]!["request"]!.GetValue<long>() >= 0);
    }

    private Task<HttpResponseMessage> SendAsync(string path, string id)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Test-Id", id);
        return fixture.Node.Proxy.SendAsync(request);
    }

    /// <summary>The runs of a request once its log phase (which runs after the response) has recorded.</summary>
    private static async Task<string[]> RunsAsync(string id, int expectedLogs)
    {
        for (var i = 0; i < 200; i++)
        {
            if (PhaseRecorderPlugin.Runs.TryGetValue(id, out var runs) && runs.Count(r => r.EndsWith(":log", StringComparison.Ordinal)) >= expectedLogs)
            {
                return [.. runs];
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"request {id} did not log {expectedLogs} times");
    }

    /// <summary>A node with the low recorder global, and a route per test.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private Backend _backend = null!;
        private int _routes;

        public TestNode Node { get; private set; } = null!;

        public string LastRouteId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            _backend = await Backend.StartAsync();
            Node = await TestNode.StartAsync("--plugins", "bundled,Gateway.Tests");
            await Node.CreateAsync("/plugins", """{"name":"test-recorder-low"}""");
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            await _backend.DisposeAsync();
        }

        public async Task<string> RouteAsync(params (string Name, string Config)[] plugins)
        {
            var path = $"/p{Interlocked.Increment(ref _routes)}";
            var service = await Node.CreateAsync("/services", $$"""{"host":"127.0.0.1","port":{{_backend.Port}}}""");
            var route = await Node.CreateAsync($"/services/{service["id"]}/routes", $$"""{"paths":["{{path}}"]}""");
            LastRouteId = route["id"]!.GetValue<string>();
            foreach (var (name, config) in plugins)
            {
                await Node.CreateAsync($"/routes/{LastRouteId}/plugins", $$"""{"name":"{{name}}","config":{{config}}}""");
            }

            return path;
        }
    }
}
