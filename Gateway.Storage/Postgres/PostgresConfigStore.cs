using Gateway.Schema;
using Gateway.Storage.Relational;
using Npgsql;

namespace Gateway.Storage.Postgres;

/// <summary>
/// The cluster store: the relational store on PostgreSQL through Npgsql, the same tables as the SQLite store. Writes
/// of every node are serialised by an advisory lock (see <see cref="PostgresDialect"/>).
/// </summary>
public sealed class PostgresConfigStore : RelationalConfigStore
{
    /// <summary>A store on the database <paramref name="settings"/> name.</summary>
    public PostgresConfigStore(PostgresSettings settings, SchemaRegistry registry, TimeProvider time)
        : this(new PostgresDialect(settings.CreateDataSource()), registry, time)
    {
    }

    private PostgresConfigStore(PostgresDialect dialect, SchemaRegistry registry, TimeProvider time)
        : base(dialect, registry, time) => DataSource = dialect.DataSource;

    /// <summary>The connection pool, for migrations and health checks.</summary>
    public NpgsqlDataSource DataSource { get; }
}
