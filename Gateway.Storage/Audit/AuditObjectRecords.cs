using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Storage.Audit;

/// <summary>The <c>audit_objects</c> records of committed writes, the same on every store.</summary>
public static class AuditObjectRecords
{
    /// <summary>
    /// One record: Kong's fields (the entity after a create or update, before a delete, filtered) and ours
    /// (<c>before</c>, filtered; <c>diff</c>; the config version the write committed, when there is one).
    /// </summary>
    public static AuditDraft Record(
        AuditPolicy policy, AuditStamp? stamp, string daoName, string entityKey, string operation, JsonNode? before, JsonNode? after, long? version)
    {
        var filteredBefore = policy.Filter.Apply(before);
        var filteredAfter = policy.Filter.Apply(after);
        var shown = operation == "delete" ? filteredBefore : filteredAfter;
        return new AuditDraft(AuditTable.Objects, new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["request_id"] = stamp?.RequestId,
            ["request_timestamp"] = stamp?.RequestTimestamp ?? policy.Time.GetUtcNow().ToUnixTimeSeconds(),
            ["entity_key"] = entityKey,
            ["dao_name"] = daoName,
            ["operation"] = operation,
            ["entity"] = shown.Value?.ToJsonString(EntityKeys.JsonOptions),
            ["removed_from_entity"] = shown.Removed.Count == 0 ? null : string.Join(',', shown.Removed),
            ["rbac_user_id"] = stamp?.RbacUserId,
            ["before"] = filteredBefore.Value?.ToJsonString(EntityKeys.JsonOptions),
            ["diff"] = AuditDiff.Between(filteredBefore.Value, filteredAfter.Value),
            ["config_version"] = version,
            ["node_id"] = policy.NodeId,
        });
    }

    /// <summary>One record per change of a committed write that the policy does not ignore.</summary>
    internal static List<AuditDraft> For(AuditPolicy policy, AuditStamp? stamp, IReadOnlyList<EntityChange> changes, long version) =>
        [.. changes
            .Where(c => !policy.IgnoreTables.Contains(c.Entity))
            .Select(c => Record(policy, stamp, c.Entity, c.Id, Operation(c), c.Before, c.After, version))];

    private static string Operation(EntityChange change) =>
        change.Kind == ChangeKind.Delete ? "delete" : change.Before is null ? "create" : "update";
}
