using System.Runtime.CompilerServices;
using Gateway.Cluster.Propagation;
using Gateway.Node.Settings;
using Gateway.Schema;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Cassandra.Store;
using Gateway.Storage.Migrations;
using Gateway.Storage.Postgres;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;

namespace Gateway.Node.Config;

/// <summary>Turns the database settings into the store's connection settings, and opens the store.</summary>
public static class StoreFactory
{
    /// <summary>
    /// Opens the store <c>database</c> names (sqlite, postgres or cassandra; not off, whose store is the declarative
    /// file). Opening reaches no server and reads no file: the caller checks <see cref="DatabaseStore.NotReadyReasonAsync"/> first.
    /// </summary>
    public static DatabaseStore Open(GatewaySettings settings, SchemaRegistry registry)
    {
        switch (settings.Database)
        {
            case DatabaseKind.Sqlite:
                return OpenSqlite(settings, registry);
            case DatabaseKind.Postgres:
                return OpenPostgres(settings, registry);
            case DatabaseKind.Cassandra:
                return OpenCassandra(settings, registry);
            default:
                throw new ArgumentException($"database = {settings.Raw["database"]} has no database store", nameof(settings));
        }
    }

    // One method per engine: the JIT loads an engine's assembly (Npgsql, Microsoft.Data.Sqlite) when it compiles a
    // method that names its types, so a node loads only the engine it is configured with.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DatabaseStore OpenSqlite(GatewaySettings settings, SchemaRegistry registry)
    {
        PrefixFolder.Create(settings.Prefix);
        var path = SqlitePath(settings);
        return new DatabaseStore(new SqliteConfigStore(path, registry, TimeProvider.System), null, $"SQLite at {path}", StoreFailures.IsUnavailable);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DatabaseStore OpenPostgres(GatewaySettings settings, SchemaRegistry registry)
    {
        var postgres = Postgres(settings);
        var store = new PostgresConfigStore(postgres, registry, TimeProvider.System);
        return new DatabaseStore(store, new PostgresMigrationRunner(store.DataSource), Describe(postgres), StoreFailures.IsUnavailable);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DatabaseStore OpenCassandra(GatewaySettings settings, SchemaRegistry registry)
    {
        var cassandra = Cassandra(settings);
        var store = new CassandraConfigStore(cassandra, registry, TimeProvider.System);
        var runner = new CassandraMigrationRunner(store.Cluster, cassandra);
        return new DatabaseStore(store, runner, Describe(cassandra), runner.IsUnreachable);
    }

    /// <summary>
    /// The database store, reachable and with a current schema, as the commands that work on a database (config
    /// db_import and db_export, audit) require; <paramref name="command"/> names them in the DB-less refusal.
    /// </summary>
    /// <exception cref="DatabaseNotReadyException">database = off, the database does not answer, or it needs migrations.</exception>
    public static async Task<IConfigStore> OpenReadyAsync(GatewaySettings settings, SchemaRegistry registry, string command)
    {
        if (settings.Database == DatabaseKind.Off)
        {
            throw new DatabaseNotReadyException($"{command} need a database; database = {settings.Raw["database"]} has none here");
        }

        var opened = Open(settings, registry);
        var (store, _, database, isUnavailable) = opened;
        try
        {
            if (await opened.NotReadyReasonAsync() is { } reason)
            {
                throw new DatabaseNotReadyException(reason);
            }

            return store;
        }
        catch (Exception e) when (isUnavailable(e))
        {
            await store.DisposeAsync();
            throw new DatabaseNotReadyException($"cannot reach {database}: {e.Message}");
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>The SQLite database file: prefix/gateway.db.</summary>
    public static string SqlitePath(GatewaySettings settings) => Path.Combine(settings.Prefix, PrefixFolder.DatabaseFileName);

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
