using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>A node whose Admin API waits 1 s between two reads of a body (nginx_admin_client_body_timeout), so a stalled body is refused within a test.</summary>
public sealed class HostileInputNode : NodeFixture
{
    /// <inheritdoc/>
    protected override string[] NodeArguments => ["--nginx_admin_client_body_timeout", "1s"];
}
