using Gateway.Node.Settings;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Cassandra.Store;
using Gateway.Storage.Postgres;

namespace Gateway.Node.Config;

/// <summary>Turns the database settings into the store's connection settings.</summary>
public static class StoreFactory
{
    /// <summary>The pg_* settings as the PostgreSQL store takes them.</summary>
    public static PostgresSettings Postgres(GatewaySettings settings) =>
        new(settings.PgHost, settings.PgPort, settings.PgUser, settings.PgPassword, settings.PgDatabase);

    /// <summary>"PostgreSQL at host:port/database", for messages.</summary>
    public static string Describe(PostgresSettings settings) => $"PostgreSQL at {settings.Host}:{settings.Port}/{settings.Database}";

    /// <summary>
    /// The cassandra_* settings as the Cassandra store and migrations take them. Credentials go out only when
    /// cassandra_password is set, as Kong sends them only when both user and password are (cassandra_username has a
    /// default, so it alone cannot mean "authenticate"). Lightweight transactions run at SERIAL, as Kong's do.
    /// </summary>
    public static CassandraSettings Cassandra(GatewaySettings settings) => new()
    {
        ContactPoints = settings.CassandraContactPoints,
        Port = settings.CassandraPort,
        Keyspace = settings.CassandraKeyspace,
        Consistency = Consistency(settings.CassandraConsistency),
        SerialConsistency = CqlConsistency.Serial,
        Username = settings.CassandraPassword is null ? null : settings.CassandraUsername,
        Password = settings.CassandraPassword,
        ReplicationStrategy = settings.CassandraReplStrategy.ToString(),
        ReplicationFactor = settings.CassandraReplFactor,
        DataCenters = [.. settings.CassandraDataCenters.Select(dc => $"{dc.Name}:{dc.ReplicationFactor}")],
    };

    /// <summary>"Cassandra at host:port,host:port/keyspace", for messages.</summary>
    public static string Describe(CassandraSettings settings) =>
        $"Cassandra at {string.Join(",", settings.ContactPoints.Select(host => $"{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{settings.Port}"))}/{settings.Keyspace}";

    /// <summary>The protocol level of a cassandra_consistency value.</summary>
    public static CqlConsistency Consistency(CassandraConsistency consistency) => consistency switch
    {
        CassandraConsistency.All => CqlConsistency.All,
        CassandraConsistency.EachQuorum => CqlConsistency.EachQuorum,
        CassandraConsistency.Quorum => CqlConsistency.Quorum,
        CassandraConsistency.LocalQuorum => CqlConsistency.LocalQuorum,
        CassandraConsistency.One => CqlConsistency.One,
        CassandraConsistency.Two => CqlConsistency.Two,
        CassandraConsistency.Three => CqlConsistency.Three,
        CassandraConsistency.LocalOne => CqlConsistency.LocalOne,
        _ => throw new ArgumentOutOfRangeException(nameof(consistency), consistency, "not a cassandra_consistency level"),
    };
}
