namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>One statement of a BATCH: a query string or a prepared id, with its values.</summary>
/// <param name="Query">The query string (kind 0), or null for a prepared statement.</param>
/// <param name="PreparedId">The prepared id (kind 1), or null for a query string.</param>
/// <param name="Values">Positional values.</param>
public sealed record CqlBatchEntry(string? Query, byte[]? PreparedId, IReadOnlyList<CqlValue> Values)
{
    /// <summary>A query-string entry.</summary>
    public static CqlBatchEntry ForQuery(string query, IReadOnlyList<CqlValue> values) => new(query, null, values);

    /// <summary>A prepared-statement entry.</summary>
    public static CqlBatchEntry ForPrepared(byte[] preparedId, IReadOnlyList<CqlValue> values) => new(null, preparedId, values);
}
