using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Client;

/// <summary>Settings of a <see cref="CqlCluster"/>: contact points, credentials, timeouts and backoff.</summary>
public sealed record CqlClientOptions
{
    /// <summary>Hosts as "host" or "host:port".</summary>
    public IReadOnlyList<string> ContactPoints { get; init; } = ["127.0.0.1"];

    /// <summary>Port for contact points that name none (Kong's cassandra_port).</summary>
    public int Port { get; init; } = 9042;

    /// <summary>User for PasswordAuthenticator; null sends no credentials.</summary>
    public string? Username { get; init; }

    /// <summary>Password for PasswordAuthenticator.</summary>
    public string? Password { get; init; }

    /// <summary>Keyspace to USE on every connection; null for none.</summary>
    public string? Keyspace { get; init; }

    /// <summary>How long a request waits for its response (Kong's cassandra_timeout).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long opening a connection (TCP and handshake) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay before reconnecting to a host that failed; doubled per failure.</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between reconnection attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Stream ids a connection may use at once (at most 32768 in v4).</summary>
    public int MaxStreamsPerConnection { get; init; } = 1024;

    /// <summary>How long to wait for schema agreement after DDL (Kong's cassandra_schema_consensus_timeout).</summary>
    public TimeSpan SchemaAgreementTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause between schema version checks.</summary>
    public TimeSpan SchemaAgreementInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Default consistency (Kong's cassandra_consistency).</summary>
    public CqlConsistency Consistency { get; init; } = CqlConsistency.One;

    /// <summary>Default serial consistency for lightweight transactions.</summary>
    public CqlConsistency SerialConsistency { get; init; } = CqlConsistency.Serial;
}
