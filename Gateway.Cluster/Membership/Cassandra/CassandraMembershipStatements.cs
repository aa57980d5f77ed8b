using Gateway.Storage.Cassandra.Store;

namespace Gateway.Cluster.Membership.Cassandra;

/// <summary>
/// The CQL of the membership table. One partition per (service id, cluster id) holds the table version as a static
/// column (so a single-partition read returns it with every row, atomically) and one clustering row per silo with
/// its row etag. Every write that Orleans' protocol depends on is a lightweight transaction on that partition.
/// </summary>
internal sealed class CassandraMembershipStatements
{
    public CassandraMembershipStatements(string keyspace, string table)
    {
        var name = $"{CassandraKeyspace.Quote(keyspace)}.{CassandraKeyspace.Quote(table)}";
        var keys = MembershipRowCodec.KeyColumns;
        var fields = MembershipRowCodec.EntryColumns;
        var rowKey = "service_id = ? AND cluster_id = ? AND " + string.Join(" AND ", keys.Select(c => $"{c.Name} = ?"));
        var set = string.Join(", ", fields.Select(c => $"{c.Name} = ?"));

        CreateTable = CassandraMembershipSchema.CreateTable(name);
        InsertVersion = $"INSERT INTO {name} (service_id, cluster_id, version) VALUES (?, ?, 0) IF NOT EXISTS";
        ReadAll = $"SELECT version, etag, {string.Join(", ", keys.Concat(fields).Select(c => c.Name))} FROM {name} WHERE service_id = ? AND cluster_id = ?";

        // A row that does not exist has a null etag, so "etag = null" is the insert's "row absent" check; it can sit
        // beside the static version condition, which "IF NOT EXISTS" cannot.
        InsertRow = $"UPDATE {name} SET version = ?, etag = ?, {set} WHERE {rowKey} IF version = ? AND etag = null";
        UpdateRow = $"UPDATE {name} SET version = ?, etag = ?, {set} WHERE {rowKey} IF version = ? AND etag = ?";
        UpdateIAmAlive = $"UPDATE {name} SET i_am_alive_time = ? WHERE {rowKey}";
        DeleteRow = $"DELETE FROM {name} WHERE {rowKey} IF etag = ?";
        DeleteStrayRow = $"DELETE FROM {name} WHERE {rowKey}";
        DeletePartition = $"DELETE FROM {name} WHERE service_id = ? AND cluster_id = ?";
    }

    /// <summary>The table, created when missing (migrations bootstrap creates it first, in the config keyspace).</summary>
    public string CreateTable { get; }

    /// <summary>Version 0 for a new cluster (LWT).</summary>
    public string InsertVersion { get; }

    /// <summary>The whole partition: the static version on every row, and one row per silo.</summary>
    public string ReadAll { get; }

    /// <summary>Bind: new version, new etag, entry fields, row key, expected version (LWT).</summary>
    public string InsertRow { get; }

    /// <summary>Bind: new version, new etag, entry fields, row key, expected version, expected etag (LWT).</summary>
    public string UpdateRow { get; }

    /// <summary>The heartbeat: a plain write of one cell, leaving the version and the etag alone.</summary>
    public string UpdateIAmAlive { get; }

    /// <summary>Removes a defunct silo's row unless it changed since it was read (LWT).</summary>
    public string DeleteRow { get; }

    /// <summary>Removes a row that holds no entry (a heartbeat written after its row was deleted).</summary>
    public string DeleteStrayRow { get; }

    /// <summary>Every row and the version of one cluster.</summary>
    public string DeletePartition { get; }
}
