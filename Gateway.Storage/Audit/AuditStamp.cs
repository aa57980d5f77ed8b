namespace Gateway.Storage.Audit;

/// <summary>Which Admin API request (or command) a config write belongs to, as its <c>audit_objects</c> records name it.</summary>
/// <param name="RequestId">The request's <c>request_id</c> (sent back as <c>X-Kong-Admin-Request-ID</c>).</param>
/// <param name="RequestTimestamp">When the request arrived, in epoch seconds.</param>
/// <param name="RbacUserId">The RBAC user who made it, or null without RBAC.</param>
public sealed record AuditStamp(string RequestId, long RequestTimestamp, string? RbacUserId);
