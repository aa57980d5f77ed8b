namespace Gateway.Storage.Audit;

/// <summary>Takes audit records as they are committed (a file, an HTTP endpoint), off the writer's thread: it must not block.</summary>
public interface IAuditSink
{
    /// <summary>Called after each commit with the records it added, in sequence order.</summary>
    void Written(IReadOnlyList<AuditEntry> entries);
}
