namespace Gateway.Storage.Audit;

/// <summary>
/// Where the kept chain starts: the sequence and hash of the last record a purge removed (0 and "" when none was), so
/// that the first kept record's link can still be checked.
/// </summary>
/// <param name="Sequence">The last purged record's sequence.</param>
/// <param name="Hash">The last purged record's hash.</param>
public sealed record AuditAnchor(long Sequence, string Hash);
