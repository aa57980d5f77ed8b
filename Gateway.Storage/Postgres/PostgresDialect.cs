using System.Data.Common;
using Gateway.Storage.Migrations;
using Gateway.Storage.Relational;
using Npgsql;

namespace Gateway.Storage.Postgres;

/// <summary>PostgreSQL under the relational store, through one Npgsql data source (a connection pool).</summary>
/// <param name="dataSource">The pool; the dialect owns it.</param>
internal sealed class PostgresDialect(NpgsqlDataSource dataSource) : IRelationalDialect
{
    /// <summary>Arbitrary, fixed: the advisory lock key every config writer takes.</summary>
    private const long WriteLockKey = 7946_0001;

    /// <summary>The connection pool, for migrations and health checks.</summary>
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Applies the pending migrations (creating every table on an empty database).</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => PostgresMigrations.UpAsync(dataSource, cancellationToken);

    /// <inheritdoc/>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Serialises the writes to the database: every write of every node (the writer grains and their local fallback), of
    /// <c>config db_import</c>, and of any other cluster on the same database first takes this one transaction-scoped
    /// advisory lock. It is the only point all of them pass, so the unique and reference checks and the version bump
    /// see no concurrent writer (config writes are rare; one at a time keeps them simple and exact).
    /// </summary>
    public async Task<RelationalTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = PostgresCommands.Create(connection, transaction, "SELECT pg_advisory_xact_lock($1)", WriteLockKey))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return new RelationalTransaction(connection, transaction, connection.DisposeAsync);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public string Placeholder(int index) => "$" + (index + 1);

    /// <inheritdoc/>
    public string Together(IReadOnlyList<string> statements) => statements.Count == 1
        ? statements[0]
        : "WITH " + string.Join(", ", statements.SkipLast(1).Select((s, i) => $"step{i} AS ({s})")) + " " + statements[^1];

    /// <inheritdoc/>
    public DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<object?> values) =>
        PostgresCommands.Create((NpgsqlConnection)connection, (NpgsqlTransaction?)transaction, sql, [.. values]);

    /// <inheritdoc/>
    public string JsonField(RelationalQuery query, string column, string field) => $"({column}::jsonb ->> {query.Parameter(field)})";

    /// <inheritdoc/>
    public string OneOf(RelationalQuery query, string column, IReadOnlyList<string> values) => $"{column} = ANY({query.Parameter(values.ToArray())})";

    /// <summary>Connection-level failures: any Npgsql error but a PostgreSQL error outside classes 08 and 57P.</summary>
    public bool IsConnectionFailure(Exception error) =>
        error is NpgsqlException npgsql
        && (npgsql is not PostgresException pg || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal));

    /// <inheritdoc/>
    public bool IsUnreachable(Exception error) => error is NpgsqlException or TimeoutException or InvalidOperationException;

    /// <inheritdoc/>
    public void ClearPool() => dataSource.Clear();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
