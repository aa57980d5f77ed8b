using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Node.Audit;
using Gateway.Storage.Audit;

namespace Gateway.Node.Admin;

/// <summary>
/// Kong Enterprise's <c>GET /audit/requests</c> and <c>GET /audit/objects</c>, served only with audit_log = on (404
/// otherwise, as Kong registers them only then): Kong's paging, newest first, <c>before</c>/<c>after</c> (epoch seconds
/// or RFC 3339) and <c>request_timestamp[lt|gte]</c>, and equality filters on the fields the tables index. The audit
/// tables cannot be written through the Admin API: any other method is a 405.
/// </summary>
public static class AuditEndpoints
{
    private static readonly string[] TimeArguments = ["before", "after", "request_timestamp[lt]", "request_timestamp[gte]"];

    /// <summary>Handles <c>/audit/requests</c>, <c>/audit/objects</c> and <c>/audit/verify</c>; false for any other path, or when the audit log is off.</summary>
    public static async Task<bool> TryHandleAsync(HttpContext context, IReadOnlyList<string> path)
    {
        AuditTable? table;
        switch (path)
        {
            case ["audit", "requests"]:
                table = AuditTable.Requests;
                break;
            case ["audit", "objects"]:
                table = AuditTable.Objects;
                break;
            case ["audit", "verify"]:
                table = null;
                break;
            default:
                return false;
        }

        if (context.RequestServices.GetService<NodeAuditLog>() is not { } audit)
        {
            return false;
        }

        if (AdminResponse.AnsweredAsReadOnly(context))
        {
            return true;
        }

        if (table is null)
        {
            await AdminResponse.WriteAsync(context, 200, await VerifyAsync(audit, context.RequestAborted));
            return true;
        }

        await ListAsync(context, audit, table.Value);
        return true;
    }

    /// <summary>
    /// <c>gateway audit verify</c> as JSON: signatures are checked with audit_log_signing_key's public half when it is
    /// set. A broken chain is a finding, not an error: the answer is 200 with <c>intact: false</c>.
    /// </summary>
    private static async Task<JsonObject> VerifyAsync(NodeAuditLog audit, CancellationToken cancellationToken)
    {
        using var publicKey = audit.Policy.Signer?.CreatePublicKey();
        var verification = await AuditVerifier.VerifyAsync(audit.Log, publicKey, cancellationToken);
        return new JsonObject
        {
            ["intact"] = verification.Intact,
            ["records"] = verification.Records,
            ["anchor"] = new JsonObject { ["sequence"] = verification.Anchor.Sequence, ["hash"] = verification.Anchor.Hash },
            ["head"] = new JsonObject { ["sequence"] = verification.Head.Sequence, ["hash"] = verification.Head.Hash },
            ["signatures_checked"] = verification.SignaturesChecked,
            ["bad_sequence"] = verification.BadSequence,
            ["message"] = verification.Describe(),
        };
    }

    /// <summary>A page of <paramref name="table"/>, filtered as the query asks.</summary>
    private static async Task ListAsync(HttpContext context, NodeAuditLog audit, AuditTable table)
    {

        var query = Parse(context.Request.Query, table);
        var page = await audit.Log.ListAsync(table, query, context.RequestAborted);
        var kept = new[] { "size" }.Concat(TimeArguments).Concat(AuditColumns.Filters(table)).ToArray();
        await AdminResponse.WriteAsync(context, 200, Pagination.Render(context.Request, page.Data, page.Offset, kept));
    }

    /// <summary>The page and filters the query asks for.</summary>
    /// <exception cref="AdminException">Kong's invalid-size, invalid-offset and invalid-option errors.</exception>
    private static AuditQuery Parse(IQueryCollection arguments, AuditTable table)
    {
        var paging = Pagination.Parse(arguments);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in AuditColumns.Filters(table))
        {
            if (arguments.TryGetValue(field, out var value))
            {
                var text = value.ToString();
                if (AuditColumns.IsInteger(field) && !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    throw InvalidOption(field, "expected an integer");
                }

                if (text.Contains('\0', StringComparison.Ordinal))
                {
                    throw InvalidOption(field, "invalid value");
                }

                fields[field] = text;
            }
        }

        var before = Earliest(Timestamp(arguments, "before"), Timestamp(arguments, "request_timestamp[lt]"));
        var after = Latest(Timestamp(arguments, "after"), Timestamp(arguments, "request_timestamp[gte]"));
        return new AuditQuery(paging.Size, paging.Offset, fields, before, after);
    }

    /// <summary>The argument as epoch seconds: a number (fractions cut) or an RFC 3339 date; null when absent.</summary>
    private static long? Timestamp(IQueryCollection arguments, string name)
    {
        if (!arguments.TryGetValue(name, out var value))
        {
            return null;
        }

        return AuditTime.TryParse(value.ToString(), out var seconds)
            ? seconds
            : throw InvalidOption(name, "expected epoch seconds or an RFC 3339 date");
    }

    private static long? Earliest(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static long? Latest(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static AdminException InvalidOption(string name, string reason) =>
        AdminException.Kong(KongError.InvalidOptions, $"invalid option ({name}: {reason})", new JsonObject { [name] = reason });
}
