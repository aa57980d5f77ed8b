using System.Text.Json.Nodes;

namespace Gateway.Storage.Audit;

/// <summary>One page of audit records, each with its <c>ttl</c> (seconds left); <see cref="Offset"/> is null on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<JsonObject> Data, string? Offset);
