namespace Gateway.Tests.Support;

/// <summary>One node shared by the tests of a class (xunit class fixture); tests use names of their own.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private TestNode? _node;

    /// <summary>The running node.</summary>
    public TestNode Node => _node ?? throw new InvalidOperationException("the node has not started");

    /// <inheritdoc/>
    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}
