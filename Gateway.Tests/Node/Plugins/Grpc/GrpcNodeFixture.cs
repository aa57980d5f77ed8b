using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Grpc;

/// <summary>A node and a <see cref="GreeterBackend"/> for one test class, with a grpc service to it and the class's routes and plugins.</summary>
public abstract class GrpcNodeFixture : IAsyncLifetime
{
    private Backend? _backend;
    private TestNode? _node;
    private string? _service;

    /// <summary>The node.</summary>
    public TestNode Node => _node ?? throw new InvalidOperationException("the node has not started");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _backend = await GreeterBackend.StartAsync();
        _node = await TestNode.StartAsync();
        _service = (await _node.CreateAsync("/services", $$"""{"name":"greeter","protocol":"grpc","host":"127.0.0.1","port":{{_backend.Port}}}"""))["id"]!.GetValue<string>();
        await ConfigureAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    /// <summary>An HTTP route on the grpc service with one plugin on it.</summary>
    protected async Task RouteAsync(string routeJson, string plugin, JsonObject config)
    {
        var route = await Node.CreateAsync($"/services/{_service}/routes", routeJson);
        await Node.CreateAsync("/plugins", new JsonObject { ["name"] = plugin, ["route"] = new JsonObject { ["id"] = route["id"]!.GetValue<string>() }, ["config"] = config }.ToJsonString());
    }

    /// <summary>The class's routes and plugins.</summary>
    protected abstract Task ConfigureAsync();
}
