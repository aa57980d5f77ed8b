namespace Gateway.Storage.Audit;

/// <summary>The two kinds of audit record, as Kong Enterprise names their tables.</summary>
public enum AuditTable
{
    /// <summary><c>audit_requests</c>: one per Admin API request.</summary>
    Requests,

    /// <summary><c>audit_objects</c>: one per entity created, updated or deleted.</summary>
    Objects,
}
