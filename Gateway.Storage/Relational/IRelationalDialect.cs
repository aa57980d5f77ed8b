using System.Data.Common;

namespace Gateway.Storage.Relational;

/// <summary>
/// What SQLite and PostgreSQL do differently under <see cref="RelationalConfigStore"/>: opening connections, parameter
/// syntax, JSON field access, "one of these values", the write lock, emptying the pool after a lost connection, and
/// creating the tables. Everything else (the queries, the write rules) is the same on both.
/// </summary>
internal interface IRelationalDialect : IAsyncDisposable
{
    /// <summary>Creates the tables, or applies the migrations, that are missing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>A connection for reads; it sees the last committed state.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the store's write lock and begins the write's transaction. The lock is the one place writes to this store
    /// are serialised; disposing the result rolls back what was not committed and releases it.
    /// </summary>
    Task<RelationalTransaction> BeginWriteAsync(CancellationToken cancellationToken);

    /// <summary>The placeholder of the parameter at <paramref name="index"/>, counted from 0 (<c>$p0</c>, or <c>$1</c>).</summary>
    string Placeholder(int index);

    /// <summary>
    /// One statement that runs <paramref name="statements"/> in order, so they cost one round trip: SQLite runs a
    /// command's statements in turn; PostgreSQL takes one statement per parameterised command, so all but the last
    /// become data-modifying CTEs. Only the last may return rows.
    /// </summary>
    string Together(IReadOnlyList<string> statements);

    /// <summary>A command whose placeholders take <paramref name="values"/> in order.</summary>
    DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<object?> values);

    /// <summary>SQL for the text of the JSON field <paramref name="field"/> of <paramref name="column"/>; adds its parameter to <paramref name="query"/>.</summary>
    string JsonField(RelationalQuery query, string column, string field);

    /// <summary>SQL for "<paramref name="column"/> is one of <paramref name="values"/>"; adds the parameters to <paramref name="query"/>.</summary>
    string OneOf(RelationalQuery query, string column, IReadOnlyList<string> values);

    /// <summary>Whether the failure lost the connection (so the pool's other connections are likely dead too), rather than refused the query.</summary>
    bool IsConnectionFailure(Exception error);

    /// <summary>Whether the failure means the database does not answer now.</summary>
    bool IsUnreachable(Exception error);

    /// <summary>
    /// When <paramref name="error"/> shows the database cannot be used at all (SQLite's file is corrupt), the failure the
    /// store throws instead, and every later call with it; null for every other failure (a server's are per call).
    /// </summary>
    Exception? Unusable(Exception error) => null;

    /// <summary>Empties the connection pool, so the next call opens fresh connections instead of meeting ones the server closed.</summary>
    void ClearPool();
}
