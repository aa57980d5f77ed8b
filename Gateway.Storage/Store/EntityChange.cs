using System.Text.Json.Nodes;

namespace Gateway.Storage.Store;

/// <summary>One entity a write touched, as its change-log row will name it once the write commits.</summary>
/// <param name="Entity">The entity type.</param>
/// <param name="Id">The entity's id.</param>
/// <param name="Kind">Stored or deleted.</param>
/// <param name="Before">The row before the write, when the write is audited and the row existed.</param>
/// <param name="After">The row the write stored, when the write is audited and stored one.</param>
internal sealed record EntityChange(string Entity, string Id, ChangeKind Kind, JsonObject? Before = null, JsonObject? After = null);
