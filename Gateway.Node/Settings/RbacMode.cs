namespace Gateway.Node.Settings;

/// <summary>enforce_rbac: which RBAC checks the Admin API makes (Kong Enterprise's values).</summary>
public enum RbacMode
{
    /// <summary>No checks: the Admin API is open, as Kong OSS.</summary>
    Off,

    /// <summary>Endpoint checks only.</summary>
    On,

    /// <summary>Entity checks only.</summary>
    Entity,

    /// <summary>Endpoint and entity checks.</summary>
    Both,
}
