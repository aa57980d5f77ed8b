namespace Gateway.Node.Admin.Rbac;

/// <summary>Kong's RBAC actions, as the bit field <c>actions</c> stores them (15 is all four).</summary>
[Flags]
public enum RbacActions
{
    /// <summary>No action.</summary>
    None = 0,

    /// <summary>GET, HEAD, OPTIONS.</summary>
    Read = 0x01,

    /// <summary>POST.</summary>
    Create = 0x02,

    /// <summary>PUT, PATCH.</summary>
    Update = 0x04,

    /// <summary>DELETE.</summary>
    Delete = 0x08,

    /// <summary>Every action (<c>*</c> in the API).</summary>
    All = Read | Create | Update | Delete,
}
