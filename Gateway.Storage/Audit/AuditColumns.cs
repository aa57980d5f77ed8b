namespace Gateway.Storage.Audit;

/// <summary>
/// The columns each audit table keeps beside the record itself, for filtering: the record's JSON is what answers and the
/// chain show; these copy some of its fields so that a filter is an index look-up.
/// </summary>
public static class AuditColumns
{
    private static readonly string[] RequestFilters = ["request_id", "method", "status", "rbac_user_name", "rbac_user_id", "client_ip", "request_source"];
    private static readonly string[] ObjectFilters = ["id", "request_id", "dao_name", "entity_key", "operation", "rbac_user_id"];

    /// <summary>The table's name, as Kong Enterprise names it.</summary>
    public static string TableName(AuditTable table) => table == AuditTable.Requests ? "audit_requests" : "audit_objects";

    /// <summary>The fields a list of <paramref name="table"/> filters on.</summary>
    public static IReadOnlyList<string> Filters(AuditTable table) => table == AuditTable.Requests ? RequestFilters : ObjectFilters;

    /// <summary>Whether the field holds an integer (its filter value must be one).</summary>
    public static bool IsInteger(string field) => field == "status";
}
