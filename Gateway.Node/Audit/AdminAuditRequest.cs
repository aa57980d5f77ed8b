using Gateway.Storage.Audit;

namespace Gateway.Node.Audit;

/// <summary>One Admin API request being audited: its id and arrival, and who made it once the RBAC guard knows.</summary>
public sealed class AdminAuditRequest
{
    /// <summary>A request that arrived at <paramref name="timestamp"/> (epoch seconds), with a new <c>request_id</c>.</summary>
    public AdminAuditRequest(long timestamp)
    {
        Stamp = new AuditStamp(Guid.NewGuid().ToString("N"), timestamp, null);
        AuditScope.Current = Stamp;
    }

    /// <summary>The stamp its config writes carry.</summary>
    public AuditStamp Stamp { get; private set; }

    /// <summary>The RBAC user's name, once authenticated.</summary>
    public string? UserName { get; private set; }

    /// <summary>Records the authenticated RBAC user, for this record and the object records of the writes that follow.</summary>
    public void Authenticated(string userId, string userName)
    {
        Stamp = Stamp with { RbacUserId = userId };
        UserName = userName;
        AuditScope.Current = Stamp;
    }
}
