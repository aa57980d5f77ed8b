namespace Gateway.Node.Settings;

/// <summary>One <c>name:factor</c> entry of <c>cassandra_data_centers</c>.</summary>
/// <param name="Name">The data center name.</param>
/// <param name="ReplicationFactor">Replicas to keep in that data center.</param>
public sealed record CassandraDataCenter(string Name, int ReplicationFactor);
