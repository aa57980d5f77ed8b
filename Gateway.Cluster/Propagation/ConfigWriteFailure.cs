namespace Gateway.Cluster.Propagation;

/// <summary>Why a writer grain refused a write (none when it was applied).</summary>
public enum ConfigWriteFailure
{
    /// <summary>Applied (or, for update and delete, found nothing to change).</summary>
    None,

    /// <summary>PrimaryKeyViolationException.</summary>
    PrimaryKey,

    /// <summary>UniqueViolationException.</summary>
    Unique,

    /// <summary>ForeignKeyViolationException.</summary>
    ForeignKey,

    /// <summary>ReferencedByOthersException.</summary>
    ReferencedByOthers,

    /// <summary>The database did not answer.</summary>
    DatabaseUnavailable,
}
