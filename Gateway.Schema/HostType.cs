namespace Gateway.Schema;

/// <summary>What kind of address <see cref="Typedefs.NormalizeIp"/> found.</summary>
public enum HostType
{
    /// <summary>A host name.</summary>
    Name,

    /// <summary>An IPv4 address.</summary>
    Ipv4,

    /// <summary>An IPv6 address.</summary>
    Ipv6,
}
