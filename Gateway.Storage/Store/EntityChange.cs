namespace Gateway.Storage.Store;

/// <summary>One entity a write touched, as its change-log row will name it once the write commits.</summary>
/// <param name="Entity">The entity type.</param>
/// <param name="Id">The entity's id.</param>
/// <param name="Kind">Stored or deleted.</param>
internal sealed record EntityChange(string Entity, string Id, ChangeKind Kind);
