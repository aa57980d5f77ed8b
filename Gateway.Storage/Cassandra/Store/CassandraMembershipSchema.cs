using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// The layout of the Orleans membership table (cluster_membership = cassandra; Gateway.Cluster reads and writes it).
/// It lives here so that <c>migrations bootstrap</c> creates it with the config tables: silos that start together
/// on a multi-node Cassandra would otherwise race on CREATE TABLE into a schema disagreement.
/// </summary>
public static class CassandraMembershipSchema
{
    /// <summary>The table's name in cassandra_keyspace; one table serves any number of clusters.</summary>
    public const string DefaultTable = "orleans_membership";

    /// <summary>The clustering key: one row per silo incarnation.</summary>
    public static IReadOnlyList<(string Name, CqlType Type)> KeyColumns { get; } =
    [
        ("address", CqlType.Text),
        ("port", CqlType.Int),
        ("generation", CqlType.Int),
    ];

    /// <summary>A membership entry's other fields.</summary>
    public static IReadOnlyList<(string Name, CqlType Type)> EntryColumns { get; } =
    [
        ("silo_name", CqlType.Text),
        ("host_name", CqlType.Text),
        ("status", CqlType.Int),
        ("proxy_port", CqlType.Int),
        ("role_name", CqlType.Text),
        ("update_zone", CqlType.Int),
        ("fault_zone", CqlType.Int),
        ("suspect_times", CqlType.Text),
        ("start_time", CqlType.Timestamp),
        ("i_am_alive_time", CqlType.Timestamp),
    ];

    /// <summary>
    /// One partition per (service id, cluster id), the table version a static column (read atomically with every
    /// row), one clustering row per silo with its etag.
    /// </summary>
    /// <param name="qualifiedName">The quoted <c>keyspace.table</c>.</param>
    public static string CreateTable(string qualifiedName) =>
        $"CREATE TABLE IF NOT EXISTS {qualifiedName} (service_id text, cluster_id text, version int static, "
        + string.Join(", ", KeyColumns.Select(c => $"{c.Name} {c.Type}"))
        + ", etag text, "
        + string.Join(", ", EntryColumns.Select(c => $"{c.Name} {c.Type}"))
        + $", PRIMARY KEY ((service_id, cluster_id), {string.Join(", ", KeyColumns.Select(c => c.Name))}))";
}
