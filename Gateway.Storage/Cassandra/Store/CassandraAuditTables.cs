namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// The audit log's tables on Cassandra. Each table's records sit in partitions of <see cref="BucketSize"/> consecutive
/// sequences, newest first within a partition, so that a partition stays bounded however long records are kept; the
/// record itself is the JSON the chain covers (filters are applied to it on the client). The chain's head and anchor are
/// one row, as on the relational stores.
/// </summary>
public static class CassandraAuditTables
{
    /// <summary>Sequences per partition.</summary>
    public const long BucketSize = 10_000;

    /// <summary>The partition holding <paramref name="sequence"/>.</summary>
    public static long Bucket(long sequence) => sequence / BucketSize;

    /// <summary>The migration's statements, in the keyspace <paramref name="keyspace"/> (quoted).</summary>
    public static IReadOnlyList<string> Create(string keyspace) =>
    [
        $"CREATE TABLE IF NOT EXISTS {keyspace}.audit_requests (bucket bigint, sequence bigint, expires_at bigint, record text, PRIMARY KEY ((bucket), sequence)) WITH CLUSTERING ORDER BY (sequence DESC)",
        $"CREATE TABLE IF NOT EXISTS {keyspace}.audit_objects (bucket bigint, sequence bigint, expires_at bigint, record text, PRIMARY KEY ((bucket), sequence)) WITH CLUSTERING ORDER BY (sequence DESC)",
        $"CREATE TABLE IF NOT EXISTS {keyspace}.audit_chain (singleton int PRIMARY KEY, head_sequence bigint, head_hash text, anchor_sequence bigint, anchor_hash text)",
        $"INSERT INTO {keyspace}.audit_chain (singleton, head_sequence, head_hash, anchor_sequence, anchor_hash) VALUES (1, 0, '', 0, '') IF NOT EXISTS",
    ];
}
