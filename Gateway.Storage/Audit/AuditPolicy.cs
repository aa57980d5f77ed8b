namespace Gateway.Storage.Audit;

/// <summary>How a store records its writes in the audit log: what it leaves out, how long records live, who signs them, where they stream.</summary>
public sealed class AuditPolicy
{
    /// <summary>audit_log_record_ttl: seconds a record is kept.</summary>
    public long RecordTtl { get; init; } = 2592000;

    /// <summary>audit_log_ignore_tables: entities whose changes make no object record.</summary>
    public IReadOnlySet<string> IgnoreTables { get; init; } = new HashSet<string>();

    /// <summary>audit_log_payload_exclude: the fields removed from payloads and entities.</summary>
    public AuditPayloadFilter Filter { get; init; } = AuditPayloadFilter.Default;

    /// <summary>audit_log_signing_key, loaded; null when records are not signed.</summary>
    public AuditSigner? Signer { get; init; }

    /// <summary>The node that writes, recorded as <c>node_id</c>.</summary>
    public string? NodeId { get; init; }

    /// <summary>Where records go once committed, besides the database (audit_log_sink); null for nowhere.</summary>
    public IAuditSink? Sink { get; init; }

    /// <summary>The clock for timestamps and expiry.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
