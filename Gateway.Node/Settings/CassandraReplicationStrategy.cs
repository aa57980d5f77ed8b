namespace Gateway.Node.Settings;

/// <summary>The keyspace replication strategy used when migrations create it: <c>cassandra_repl_strategy</c>.</summary>
public enum CassandraReplicationStrategy
{
    /// <summary><c>SimpleStrategy</c> with <c>cassandra_repl_factor</c> replicas (the default).</summary>
    SimpleStrategy,

    /// <summary><c>NetworkTopologyStrategy</c> with <c>cassandra_data_centers</c>.</summary>
    NetworkTopologyStrategy,
}
