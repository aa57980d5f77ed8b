using Gateway.Storage.Cassandra.Store;

namespace Gateway.Cluster.Membership.Cassandra;

/// <summary>Where the Cassandra membership table lives.</summary>
public sealed class CassandraClusteringOptions
{
    /// <summary>The cassandra_* settings: contact points, credentials, consistency, keyspace and its replication.</summary>
    public CassandraSettings Settings { get; set; } = new();

    /// <summary>The table in <see cref="CassandraSettings.Keyspace"/>; one table serves any number of clusters.</summary>
    public string TableName { get; set; } = CassandraMembershipSchema.DefaultTable;
}
