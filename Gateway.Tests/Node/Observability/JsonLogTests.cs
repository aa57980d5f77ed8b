using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Observability;

/// <summary>log_format = json: the executable's log is one JSON object a line (Serilog's compact format), a request's lines name the request and its trace.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task EveryLineIsAJsonObject_AndARequestsLineCarriesItsIds_AndItsExceptionInline()
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-jsonlog-").FullName;
        int admin = FreePorts.Next(), proxy = FreePorts.Next(), status = FreePorts.Next(), closed = FreePorts.Next();
        using var node = NodeProcess.Start([.. TestNode.Arguments(prefix, admin, proxy, status, FreePorts.Next(), FreePorts.Next(), FreePorts.Next()),
            "--log_format", "json", "--log_level", "info", "--tracing_instrumentations", "all"]);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await Eventually.HoldsAsync(async () => (await client.GetAsync($"http://127.0.0.1:{status}/status")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the node answers");
            var service = await client.PostAsJsonAsync($"http://127.0.0.1:{admin}/services", new { name = "own", url = $"http://127.0.0.1:{status}/status" });
            Assert.Equal(201, (int)service.StatusCode);
            Assert.Equal(201, (int)(await client.PostAsJsonAsync($"http://127.0.0.1:{admin}/services/own/routes", new { paths = new[] { "/own" } })).StatusCode);
            var plugin = new JsonObject
            {
                ["name"] = "rate-limiting",
                ["config"] = new JsonObject
                {
                    ["hour"] = 100,
                    ["policy"] = "redis",
                    ["fault_tolerant"] = true,
                    ["redis"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = closed, ["timeout"] = 200 },
                },
            };
            Assert.Equal(201, (int)(await client.PostAsJsonAsync($"http://127.0.0.1:{admin}/services/own/plugins", plugin)).StatusCode);
            var tracing = new JsonObject
            {
                ["name"] = "opentelemetry",
                ["config"] = new JsonObject { ["traces_endpoint"] = $"http://127.0.0.1:{closed}/v1/traces", ["http_response_header_for_traceid"] = "X-Trace-Id" },
            };
            Assert.Equal(201, (int)(await client.PostAsJsonAsync($"http://127.0.0.1:{admin}/services/own/plugins", tracing)).StatusCode);

            // Redis is not there: the plugin logs an error inside the request, which it lets through.
            string requestId = "", traceId = "";
            await Eventually.HoldsAsync(
                async () =>
                {
                    using var response = await client.GetAsync($"http://127.0.0.1:{proxy}/own");
                    requestId = response.Headers.TryGetValues("X-Kong-Request-Id", out var ids) ? ids.Single() : "";
                    traceId = response.Headers.TryGetValues("X-Trace-Id", out var traces) ? traces.Single() : "";
                    return response.IsSuccessStatusCode;
                },
                TimeSpan.FromSeconds(10),
                "the request goes through");
            await Eventually.HoldsAsync(() => node.Stdout.Any(l => l.Contains(requestId, StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the request's log line");

            var lines = node.Stdout.Where(l => l.Length > 0).ToList();
            Assert.All(lines, l => Assert.IsType<JsonObject>(JsonNode.Parse(l)));
            var failure = JsonNode.Parse(lines.First(l => l.Contains(requestId, StringComparison.Ordinal)))!;
            Assert.Equal("Error", (string?)failure["@l"]);
            Assert.Equal("rate-limiting: failed to get usage from the \"redis\" policy", (string?)failure["@m"]);
            Assert.Equal(requestId, (string?)failure["kong_request_id"]);
            Assert.Matches("^[0-9a-f]{32}$", traceId);
            Assert.Equal(traceId, (string?)failure["trace_id"]);
            Assert.Equal("redis", (string?)failure["Policy"]);
            Assert.False(string.IsNullOrEmpty((string?)failure["@x"]));
            Assert.True(DateTimeOffset.TryParse((string?)failure["@t"], out _));
        }
        finally
        {
            node.Dispose();
            Directory.Delete(prefix, recursive: true);
        }
    }
}
