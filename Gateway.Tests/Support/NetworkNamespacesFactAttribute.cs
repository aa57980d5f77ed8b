namespace Gateway.Tests.Support;

/// <summary>
/// A fact that builds network namespaces (ip netns, veth, a bridge): skipped, with the reason, unless the test runs as
/// root on Linux with the <c>ip</c> command.
/// </summary>
public sealed class NetworkNamespacesFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when namespaces cannot be made here (xunit 2 reads it at discovery).</summary>
    public NetworkNamespacesFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "network namespaces need Linux";
        }
        else if (!Environment.IsPrivilegedProcess)
        {
            Skip = "network namespaces need root (ip netns add, ip link add): run the tests as root";
        }
        else if (IpCommand.Path is null)
        {
            Skip = "the ip command (iproute2) is not installed";
        }
    }
}
