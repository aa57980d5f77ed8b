namespace Gateway.Tests.Support;

/// <summary>
/// One node and one echoing backend shared by the tests of a class (xunit class fixture); tests use
/// names, hosts and paths of their own. Derived fixtures give the node arguments or add their own rows.
/// </summary>
public class NodeFixture : IAsyncLifetime
{
    private TestNode? _node;
    private Backend? _backend;

    /// <summary>The running node.</summary>
    public TestNode Node => _node ?? throw new InvalidOperationException("the node has not started");

    /// <summary>The backend (the echo, named <see cref="BackendName"/>).</summary>
    public Backend Backend => _backend ?? throw new InvalidOperationException("the backend has not started");

    /// <summary>What the backend reports as its name.</summary>
    protected virtual string BackendName => "one";

    /// <summary>Arguments the node starts with.</summary>
    protected virtual string[] NodeArguments => [];

    /// <inheritdoc/>
    public virtual async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync(BackendName);
        _node = await TestNode.StartAsync(NodeArguments);
    }

    /// <inheritdoc/>
    public virtual async Task DisposeAsync()
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
