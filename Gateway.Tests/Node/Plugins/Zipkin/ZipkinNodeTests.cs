using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Zipkin;

/// <summary>A node, a backend that echoes what it got and a Zipkin collector, for the zipkin tests (a new set per test).</summary>
public abstract class ZipkinNodeTests : IAsyncLifetime
{
    /// <summary>The upstream, answering with the request it received (headers included).</summary>
    protected Backend Backend { get; private set; } = null!;

    /// <summary>Where the spans go.</summary>
    protected ZipkinReceiver Zipkin { get; private set; } = null!;

    /// <summary>The gateway.</summary>
    protected TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await Support.Backend.StartAsync();
        Zipkin = await ZipkinReceiver.StartAsync();
        Node = await TestNode.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Zipkin.DisposeAsync();
        await Backend.DisposeAsync();
    }

    protected static Dictionary<string, long> Annotations(JsonObject span) =>
        span["annotations"]!.AsArray().ToDictionary(a => a!["value"]!.GetValue<string>(), a => a!["timestamp"]!.GetValue<long>());

    protected static long Time(JsonObject span, string field) => span[field]!.GetValue<long>();

    /// <summary>How many spans of the trace arrived once the request span did.</summary>
    protected async Task<int> WaitAnyAsync(string traceId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Zipkin.Spans.Any(s => s["traceId"]!.GetValue<string>() == traceId && s["kind"]!.GetValue<string>() == "SERVER"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the request span did not arrive");
            await Task.Delay(20);
        }

        return Zipkin.Spans.Count(s => s["traceId"]!.GetValue<string>() == traceId);
    }

    protected async Task<(HttpResponseMessage Response, JsonObject UpstreamHeaders)> GetAsync(string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await Node.Proxy.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response, response.IsSuccessStatusCode ? JsonNode.Parse(body)!["headers"]!.AsObject() : []);
    }

    /// <summary>A service and route named <paramref name="name"/> (the route "NAME-route", path /NAME) with zipkin on the route, sampling everything.</summary>
    protected async Task<(string Service, string Route)> RouteWithZipkinAsync(string name, string config)
    {
        var service = await Node.CreateAsync("/services", $$"""{"name":"{{name}}","host":"127.0.0.1","port":{{Backend.Port}}}""");
        var route = await Node.CreateAsync($"/services/{service["id"]}/routes", $$"""{"name":"{{name}}-route","paths":["/{{name}}"]}""");
        var settings = JsonNode.Parse(config)!.AsObject();
        if (!settings.ContainsKey("http_endpoint"))
        {
            settings["http_endpoint"] = Zipkin.Endpoint;
        }

        if (!settings.ContainsKey("sample_ratio"))
        {
            settings["sample_ratio"] = 1;
        }

        await Node.CreateAsync("/plugins", $$"""{"name":"zipkin","route":{"id":"{{route["id"]}}"},"config":{{settings.ToJsonString()}}}""");
        return (service["id"]!.GetValue<string>(), route["id"]!.GetValue<string>());
    }
}
