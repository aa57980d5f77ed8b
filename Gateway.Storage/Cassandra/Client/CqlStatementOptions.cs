using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Client;

/// <summary>Per-statement settings; nulls take the cluster defaults.</summary>
public sealed record CqlStatementOptions
{
    /// <summary>Consistency of this statement.</summary>
    public CqlConsistency? Consistency { get; init; }

    /// <summary>Serial consistency, for statements with IF.</summary>
    public CqlConsistency? SerialConsistency { get; init; }

    /// <summary>Rows per page.</summary>
    public int? PageSize { get; init; }

    /// <summary>Paging state returned by the previous page.</summary>
    public byte[]? PagingState { get; init; }

    /// <summary>Write timestamp in microseconds.</summary>
    public long? DefaultTimestamp { get; init; }
}
