using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>Kong's cassandra_* settings, as the store and <c>migrations bootstrap</c> use them.</summary>
public sealed record CassandraSettings
{
    /// <summary>cassandra_contact_points.</summary>
    public IReadOnlyList<string> ContactPoints { get; init; } = ["127.0.0.1"];

    /// <summary>cassandra_port.</summary>
    public int Port { get; init; } = 9042;

    /// <summary>cassandra_keyspace.</summary>
    public string Keyspace { get; init; } = "kong";

    /// <summary>cassandra_username; null when the cluster has no authenticator.</summary>
    public string? Username { get; init; }

    /// <summary>cassandra_password.</summary>
    public string? Password { get; init; }

    /// <summary>cassandra_consistency for reads and writes.</summary>
    public CqlConsistency Consistency { get; init; } = CqlConsistency.One;

    /// <summary>Serial consistency of the lightweight transactions (SERIAL, or LOCAL_SERIAL per data centre).</summary>
    public CqlConsistency SerialConsistency { get; init; } = CqlConsistency.Serial;

    /// <summary>cassandra_timeout.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>cassandra_schema_consensus_timeout.</summary>
    public TimeSpan SchemaConsensusTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>cassandra_repl_strategy: SimpleStrategy or NetworkTopologyStrategy.</summary>
    public string ReplicationStrategy { get; init; } = "SimpleStrategy";

    /// <summary>cassandra_repl_factor, for SimpleStrategy.</summary>
    public int ReplicationFactor { get; init; } = 1;

    /// <summary>cassandra_data_centers ("dc1:2,dc2:3"), for NetworkTopologyStrategy.</summary>
    public IReadOnlyList<string> DataCenters { get; init; } = ["dc1:2", "dc2:3"];

    /// <summary>The client options these settings give.</summary>
    public CqlClientOptions ClientOptions() => new()
    {
        ContactPoints = ContactPoints,
        Port = Port,
        Username = Username,
        Password = Password,
        RequestTimeout = Timeout,
        ConnectTimeout = Timeout,
        Consistency = Consistency,
        SerialConsistency = SerialConsistency,
        SchemaAgreementTimeout = SchemaConsensusTimeout,
    };
}
