namespace Gateway.Storage.Store;

/// <summary>One change-log row: which entity changed, how, and in which config version.</summary>
public sealed record ConfigChange(long Version, string Entity, string Id, ChangeKind Kind, long At);

/// <summary>What happened to the entity.</summary>
public enum ChangeKind
{
    /// <summary>Created or replaced.</summary>
    Upsert,

    /// <summary>Deleted, directly or by cascade.</summary>
    Delete,
}
