using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Pipeline;

/// <summary>
/// Kong's plugin scoping precedence (spec/02-integration/05-proxy/03-plugins_triggering_spec.lua):
/// route+service+consumer, route+consumer, service+consumer, route+service, consumer, route, service,
/// global. Each scope gets a request-termination answering 200 with its own message.
/// </summary>
public sealed class PluginScopingTests(PluginScopingTests.Fixture fixture) : IClassFixture<PluginScopingTests.Fixture>
{
    private readonly TestNode _node = fixture.Node;

    [Theory]
    [InlineData("/r1", null, "route")]
    [InlineData("/r2", null, "route+service")]
    [InlineData("/r3", null, "global")]
    [InlineData("/r3", "alice", "consumer")]
    [InlineData("/r1", "alice", "consumer")]
    [InlineData("/r1", "bob", "route+consumer")]
    [InlineData("/r2", "bob", "service+consumer")]
    [InlineData("/r2", "alice", "route+service+consumer")]
    [InlineData("/r3", "bob", "global")]
    [InlineData("/r3", "nobody", "global")]
    public async Task MostSpecificScopeWins(string path, string? consumer, string expected)
    {
        Assert.Equal(expected, await MessageAsync(path, consumer));
    }

    [Fact]
    public async Task RouteOfAServiceWithAPlugin_GetsTheServicePlugin()
    {
        await _node.CreateAsync("/routes", $$$"""{"name":"r6","paths":["/r6"],"service":{"id":"{{{fixture.Service1}}}"}}""");
        Assert.Equal("service", await MessageAsync("/r6", null));
    }

    [Fact]
    public async Task DisabledPlugin_FallsBackToTheNextScope()
    {
        await _node.CreateAsync("/routes", $$$"""{"name":"r4","paths":["/r4"],"service":{"id":"{{{fixture.Service1}}}"}}""");
        var plugin = await _node.CreateAsync("/plugins", """{"name":"request-termination","route":{"name":"r4"},"config":{"status_code":200,"message":"r4"}}""");
        Assert.Equal("r4", await MessageAsync("/r4", null));

        await _node.PatchAsync($"/plugins/{plugin["id"]}", """{"enabled":false}""");
        Assert.Equal("service", await MessageAsync("/r4", null));
    }

    [Fact]
    public async Task ConfigChange_AppliesToTheNextRequest()
    {
        await _node.CreateAsync("/routes", $$$"""{"name":"r5","paths":["/r5"],"service":{"id":"{{{fixture.Service1}}}"}}""");
        var plugin = await _node.CreateAsync("/plugins", """{"name":"request-termination","route":{"name":"r5"},"config":{"status_code":200,"message":"before"}}""");
        Assert.Equal("before", await MessageAsync("/r5", null));

        await _node.PatchAsync($"/plugins/{plugin["id"]}", """{"config":{"message":"after"}}""");
        Assert.Equal("after", await MessageAsync("/r5", null));
    }

    private async Task<string> MessageAsync(string path, string? consumer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (consumer is not null)
        {
            request.Headers.Add("X-Test-Consumer", consumer);
        }

        using var response = await _node.Proxy.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["message"]!.GetValue<string>();
    }

    /// <summary>One node for the class: two services, three routes, two consumers, a plugin at every scope.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private Backend _backend = null!;

        public TestNode Node { get; private set; } = null!;

        public string Service1 { get; private set; } = "";

        public async Task InitializeAsync()
        {
            _backend = await Backend.StartAsync();
            Node = await TestNode.StartAsync("--plugins", "bundled,Gateway.Tests");
            Service1 = (await Node.CreateAsync("/services", $$"""{"name":"s1","host":"127.0.0.1","port":{{_backend.Port}}}"""))["id"]!.GetValue<string>();
            var s2 = (await Node.CreateAsync("/services", $$"""{"name":"s2","host":"127.0.0.1","port":{{_backend.Port}}}"""))["id"]!.GetValue<string>();
            var route1 = (await Node.CreateAsync($"/services/{Service1}/routes", """{"name":"r1","paths":["/r1"]}"""))["id"]!.GetValue<string>();
            var route2 = (await Node.CreateAsync($"/services/{Service1}/routes", """{"name":"r2","paths":["/r2"]}"""))["id"]!.GetValue<string>();
            await Node.CreateAsync($"/services/{s2}/routes", """{"name":"r3","paths":["/r3"]}""");
            var alice = (await Node.CreateAsync("/consumers", """{"username":"alice"}"""))["id"]!.GetValue<string>();
            var bob = (await Node.CreateAsync("/consumers", """{"username":"bob"}"""))["id"]!.GetValue<string>();
            await Node.CreateAsync("/plugins", $$"""{"name":"{{HeaderConsumerPlugin.PluginName}}"}""");

            await TerminateAsync("global", "");
            await TerminateAsync("service", $$""","service":{"id":"{{Service1}}"}""");
            await TerminateAsync("route", $$""","route":{"id":"{{route1}}"}""");
            await TerminateAsync("route+service", $$""","route":{"id":"{{route2}}"},"service":{"id":"{{Service1}}"}""");
            await TerminateAsync("consumer", $$""","consumer":{"id":"{{alice}}"}""");
            await TerminateAsync("route+consumer", $$""","route":{"id":"{{route1}}"},"consumer":{"id":"{{bob}}"}""");
            await TerminateAsync("service+consumer", $$""","service":{"id":"{{Service1}}"},"consumer":{"id":"{{bob}}"}""");
            await TerminateAsync("route+service+consumer", $$""","route":{"id":"{{route2}}"},"service":{"id":"{{Service1}}"},"consumer":{"id":"{{alice}}"}""");
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            await _backend.DisposeAsync();
        }

        private Task TerminateAsync(string message, string scope) =>
            Node.CreateAsync("/plugins", $$"""{"name":"request-termination","instance_name":"{{message.Replace('+', '-')}}","config":{"status_code":200,"message":"{{message}}"}{{scope}}}""");
    }
}
