namespace Gateway.Storage.Audit;

/// <summary>A page of audit records, newest first: Kong's paging and the filters <c>GET /audit/...</c> takes.</summary>
/// <param name="Size">Records per page (1 to 1000, checked by the caller).</param>
/// <param name="Offset">The <see cref="AuditPage.Offset"/> of the previous page, or null for the first.</param>
/// <param name="Fields">Only records whose field equals the value (request_id, method, status, rbac_user_name, dao_name, entity_key, operation).</param>
/// <param name="Before">Only records with <c>request_timestamp</c> before this (epoch seconds).</param>
/// <param name="AtOrAfter">Only records with <c>request_timestamp</c> at or after this (epoch seconds).</param>
public sealed record AuditQuery(int Size, string? Offset, IReadOnlyDictionary<string, string> Fields, long? Before = null, long? AtOrAfter = null);
