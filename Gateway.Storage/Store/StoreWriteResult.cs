namespace Gateway.Storage.Store;

/// <summary>
/// What a store write did: applied, in the transaction that committed <see cref="Version"/>; found no row to change
/// (an update or delete of a missing id); or refused, with the <see cref="Refusal"/> saying why. A refusal is data,
/// not an exception: it leaves the store, crosses the cluster and reaches the Admin API as this value.
/// </summary>
public sealed record StoreWriteResult
{
    private StoreWriteResult(bool applied, long version, WriteRefusal? refusal)
    {
        Applied = applied;
        Version = version;
        Refusal = refusal;
    }

    /// <summary>An update or delete whose id names no row: nothing changed, no version was committed.</summary>
    public static StoreWriteResult NotFound { get; } = new(false, 0, null);

    /// <summary>A run-time write (<see cref="IRuntimeRowWriter"/>) that changed the store without a config version.</summary>
    public static StoreWriteResult RuntimeWritten { get; } = new(true, 0, null);

    /// <summary>Whether the write changed the store.</summary>
    public bool Applied { get; }

    /// <summary>The config version the write committed; 0 unless <see cref="Applied"/>, and for a run-time write.</summary>
    public long Version { get; }

    /// <summary>Why the store refused the write; null unless refused.</summary>
    public WriteRefusal? Refusal { get; }

    /// <summary>A write committed as config version <paramref name="version"/>.</summary>
    public static StoreWriteResult Committed(long version) =>
        version > 0 ? new(true, version, null) : throw new ArgumentOutOfRangeException(nameof(version), version, "a committed version is at least 1");

    /// <summary>A write the store refused; nothing changed.</summary>
    public static StoreWriteResult Refused(WriteRefusal refusal) => new(false, 0, refusal);
}
