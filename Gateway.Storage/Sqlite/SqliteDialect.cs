using System.Data.Common;
using Gateway.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace Gateway.Storage.Sqlite;

/// <summary>
/// SQLite under the relational store: one file in WAL mode, read through pooled connections, written through a single
/// long-lived connection that one write at a time holds. The file holds every credential and private key: it is
/// created owner-only. Once SQLite finds it corrupt, nothing more is read from or written to it (see
/// <see cref="Unusable"/>).
/// </summary>
internal sealed class SqliteDialect : IRelationalDialect
{
    private readonly string _path;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;
    private SqliteException? _corruption;

    /// <summary>The database file at <paramref name="databasePath"/>, created when missing.</summary>
    public SqliteDialect(string databasePath)
    {
        _path = databasePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,

            // Seconds a command retries while another process holds the write lock.
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        ThrowIfCorrupt();
        CreateOwnerOnly();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();

            // WAL is a property of the file: readers no longer block the writer, nor it them.
            using (var wal = SqliteCommands.Create(connection, null, "PRAGMA journal_mode = WAL"))
            {
                wal.ExecuteNonQuery();
            }

            using var transaction = connection.BeginTransaction(deferred: false);
            using (var create = SqliteCommands.Create(connection, transaction, SqliteTables.Create))
            {
                create.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ThrowIfCorrupt();
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Serialises the writes to the file, the only point every one of them passes. In this process, writers queue on the
    /// guard of the one writer connection (SQLite lets one writer at a time into a file anyway; queuing here spares them
    /// spinning on its busy lock); BEGIN IMMEDIATE then takes the file's write lock, which any other process on the file
    /// (<c>config db_import</c>, say) waits for under busy_timeout. So the checks and the version bump of a write see no
    /// concurrent writer.
    /// </summary>
    public async Task<RelationalTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        ThrowIfCorrupt();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var writer = Writer();
            return new RelationalTransaction(writer, writer.BeginTransaction(deferred: false), () =>
            {
                _writeLock.Release();
                return ValueTask.CompletedTask;
            });
        }
        catch
        {
            _writeLock.Release();
            throw;
        }
    }

    /// <inheritdoc/>
    public string Placeholder(int index) => "$p" + index;

    /// <inheritdoc/>
    public string Together(IReadOnlyList<string> statements) => string.Join(";\n", statements);

    /// <inheritdoc/>
    public DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<object?> values) =>
        SqliteCommands.Create((SqliteConnection)connection, (SqliteTransaction?)transaction, sql, [.. values]);

    /// <inheritdoc/>
    public string JsonField(RelationalQuery query, string column, string field) => $"json_extract({column}, {query.Parameter("$.\"" + field + "\"")})";

    /// <inheritdoc/>
    public string OneOf(RelationalQuery query, string column, IReadOnlyList<string> values) =>
        $"{column} IN ({string.Join(", ", values.Select(query.Parameter))})";

    /// <summary>Never: a file has no connection to lose.</summary>
    public bool IsConnectionFailure(Exception error) => false;

    /// <inheritdoc/>
    public bool IsUnreachable(Exception error) => error is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException;

    /// <summary>
    /// A corrupt file: from then on every call throws a <see cref="CorruptDatabaseFileException"/> of the first error without
    /// touching the file, so no write lands on pages SQLite could not read, and the file stays as it was for whoever
    /// restores it.
    /// </summary>
    public Exception? Unusable(Exception error)
    {
        if (!CorruptDatabaseFileException.Shows(error))
        {
            return null;
        }

        Interlocked.CompareExchange(ref _corruption, (SqliteException)error, null);
        return new CorruptDatabaseFileException(_path, _corruption);
    }

    /// <summary>Closes the pooled read connections (they keep the file open).</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
                _writer = null;
            }

            // Pooled read connections would keep the file open after the store is gone.
            ClearPool();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ThrowIfCorrupt()
    {
        if (Volatile.Read(ref _corruption) is { } corruption)
        {
            throw new CorruptDatabaseFileException(_path, corruption);
        }
    }

    /// <summary>
    /// Creates a missing database file owner-only (0600) before SQLite opens it: SQLite would create it 0644, and it gives
    /// the -wal and -shm files the database file's mode.
    /// </summary>
    private void CreateOwnerOnly()
    {
        if (OperatingSystem.IsWindows() || File.Exists(_path))
        {
            return;
        }

        using var created = new FileStream(_path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }

    /// <summary>The writer connection; call with the write lock held.</summary>
    private SqliteConnection Writer()
    {
        if (_writer is null)
        {
            // Not pooled: it lives as long as the store.
            var writer = new SqliteConnection(_connectionString + ";Pooling=False");
            writer.Open();

            // Another process may hold the write lock; wait for it rather than fail at once.
            using var busy = SqliteCommands.Create(writer, null, "PRAGMA busy_timeout = 30000");
            busy.ExecuteNonQuery();
            _writer = writer;
        }

        return _writer;
    }
}
