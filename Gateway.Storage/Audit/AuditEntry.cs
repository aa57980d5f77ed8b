using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Storage.Audit;

/// <summary>A stored record, as the chain holds it: its table, its place in the chain and its fields (without <c>ttl</c>).</summary>
/// <param name="Table">Which table holds it.</param>
/// <param name="Sequence">Its place in the one chain of the whole cluster, from 1.</param>
/// <param name="Record">Its fields, <c>sequence</c>, <c>hash</c> and <c>signature</c> included.</param>
public sealed record AuditEntry(AuditTable Table, long Sequence, JsonObject Record)
{
    /// <summary>The record as compact JSON, as exports and sinks write it.</summary>
    public string ToJson() => Record.ToJsonString(EntityKeys.JsonOptions);
}
