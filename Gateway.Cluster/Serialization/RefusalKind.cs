using Gateway.Storage.Store;

namespace Gateway.Cluster.Serialization;

/// <summary>Which <see cref="WriteRefusal"/> a <see cref="StoreWriteResultSurrogate"/> carries.</summary>
public enum RefusalKind
{
    /// <summary>No refusal: applied, or not found.</summary>
    None,

    /// <summary><see cref="WriteRefusal.PrimaryKeyViolation"/>.</summary>
    PrimaryKey,

    /// <summary><see cref="WriteRefusal.UniqueViolation"/>.</summary>
    Unique,

    /// <summary><see cref="WriteRefusal.ForeignKeyViolation"/>.</summary>
    ForeignKey,

    /// <summary><see cref="WriteRefusal.ReferencedByOthers"/>.</summary>
    ReferencedByOthers,

    /// <summary><see cref="WriteRefusal.OperationUnsupported"/>.</summary>
    OperationUnsupported,
}
