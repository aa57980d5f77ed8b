namespace Gateway.Node.Settings;

/// <summary>Where config is stored: the <c>database</c> setting.</summary>
public enum DatabaseKind
{
    /// <summary><c>sqlite</c>: an embedded file under the prefix (single node, zero set-up).</summary>
    Sqlite,

    /// <summary><c>postgres</c>: a PostgreSQL database shared by the cluster.</summary>
    Postgres,

    /// <summary><c>cassandra</c>: a Cassandra keyspace shared by the cluster.</summary>
    Cassandra,

    /// <summary><c>off</c>: DB-less, config from <c>declarative_config</c> or <c>POST /config</c>.</summary>
    Off,
}
