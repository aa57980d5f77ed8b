using System.Text.Json.Nodes;

namespace Gateway.Storage.Audit;

/// <summary>A record to append: its table and its fields, all but the ones the log adds (<c>sequence</c>, <c>hash</c>, <c>signature</c>).</summary>
/// <param name="Table">Which table it goes to.</param>
/// <param name="Record">Its fields, by Kong's names; appending adds the chain fields to this object, which becomes the stored record.</param>
public sealed record AuditDraft(AuditTable Table, JsonObject Record);
