using System.Text.Json.Nodes;
using Gateway.Node.Settings;
using Gateway.Storage.Audit;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Node.Audit;

/// <summary>
/// The Admin API's side of the audit log: gives every request its <c>request_id</c> (answered as
/// <c>X-Kong-Admin-Request-ID</c>, carried by its config writes) and, once answered, queues its <c>audit_requests</c>
/// record unless audit_log_ignore_methods or audit_log_ignore_paths leave it out. Refused requests are recorded too.
/// </summary>
public sealed class AdminAudit(GatewaySettings settings, AuditPolicy policy, AuditRequestQueue queue)
{
    /// <summary>The response header naming the request's record, as Kong Enterprise sends it.</summary>
    public const string RequestIdHeader = "X-Kong-Admin-Request-ID";

    /// <summary>Kong Manager's header naming who acts, recorded when no RBAC user authenticated.</summary>
    private const string AdminUserHeader = "Kong-Admin-User";

    /// <summary>Starts auditing a request: its id goes on the answer and on every write it makes.</summary>
    public AdminAuditRequest Begin(HttpContext context)
    {
        var request = new AdminAuditRequest(policy.Time.GetUtcNow().ToUnixTimeSeconds());
        context.Response.Headers[RequestIdHeader] = request.Stamp.RequestId;
        return request;
    }

    /// <summary>Queues the request's record, now that it is answered; <paramref name="body"/> is the body as the endpoint read it, if it did.</summary>
    public void End(HttpContext context, AdminAuditRequest request, JsonObject? body)
    {
        AuditScope.Current = null;
        var method = context.Request.Method;
        var path = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        if (settings.AuditLogIgnoreMethods.Contains(method) || settings.AuditLogIgnorePaths.Any(p => p.IsMatch(path)))
        {
            return;
        }

        var payload = policy.Filter.Apply(body);
        var headers = context.Request.Headers;
        queue.Enqueue(new AuditDraft(AuditTable.Requests, new JsonObject
        {
            ["request_id"] = request.Stamp.RequestId,
            ["request_source"] = headers["X-Request-Source"] is { Count: > 0 } source ? source.ToString() : null,
            ["request_timestamp"] = request.Stamp.RequestTimestamp,
            ["client_ip"] = context.Connection.RemoteIpAddress?.ToString() ?? "",
            ["path"] = path,
            ["method"] = method,
            ["payload"] = payload.Value?.ToJsonString(),
            ["removed_from_payload"] = payload.Removed.Count == 0 ? null : string.Join(',', payload.Removed),
            ["status"] = context.Response.StatusCode,
            ["rbac_user_id"] = request.Stamp.RbacUserId,
            ["rbac_user_name"] = request.UserName ?? (headers[AdminUserHeader] is { Count: > 0 } user ? user.ToString() : null),
            ["workspace"] = null,
            ["node_id"] = policy.NodeId,
        }));
    }
}
