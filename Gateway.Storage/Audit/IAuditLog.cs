namespace Gateway.Storage.Audit;

/// <summary>
/// Where audit records live: the tables <c>audit_requests</c> and <c>audit_objects</c> of the config database (or, DB-less,
/// of an SQLite file in prefix/), in one hash chain for the whole cluster. Object records are appended by the config
/// store itself, in the write's own transaction, when it has an <see cref="AuditPolicy"/>; this interface appends the
/// rest (request records, commands' records) and reads, verifies and purges.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends the records in order, chained and signed, in one transaction under the store's write lock.</summary>
    Task AppendAsync(IReadOnlyList<AuditDraft> drafts, CancellationToken cancellationToken = default);

    /// <summary>A page of one table's records, newest first.</summary>
    /// <exception cref="Store.InvalidOffsetException">The offset is not one this log gave.</exception>
    Task<AuditPage> ListAsync(AuditTable table, AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> records of both tables with a sequence above <paramref name="afterSequence"/>, in sequence order.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadChainAsync(long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>The last record the chain holds (0 and "" when it is empty and nothing was purged).</summary>
    Task<AuditAnchor> GetHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Where the kept chain starts (see <see cref="AuditAnchor"/>).</summary>
    Task<AuditAnchor> GetAnchorAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the records past their TTL from the chain's start up to the first one still alive, moving the anchor; returns how many.</summary>
    Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default);
}
