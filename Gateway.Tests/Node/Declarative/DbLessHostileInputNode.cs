using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Declarative;

/// <summary>A node with <c>database = off</c> and no file, whose Admin API waits 1 s between two reads of a body.</summary>
public sealed class DbLessHostileInputNode : NodeFixture
{
    /// <inheritdoc/>
    protected override string[] NodeArguments => ["--database", "off", "--nginx_admin_client_body_timeout", "1s"];
}
