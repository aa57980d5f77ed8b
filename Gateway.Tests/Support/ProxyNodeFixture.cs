namespace Gateway.Tests.Support;

/// <summary>One node and one HTTP/1.1 backend shared by a test class; tests use hosts and paths of their own.</summary>
public sealed class ProxyNodeFixture : IAsyncLifetime
{
    private ProxyNode? _node;
    private Backend? _backend;

    public ProxyNode Node => _node ?? throw new InvalidOperationException("not started");

    public Backend Backend => _backend ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync("one");
        _node = await ProxyNode.StartAsync();
    }

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
}
