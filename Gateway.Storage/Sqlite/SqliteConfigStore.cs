using Gateway.Schema;
using Gateway.Storage.Relational;

namespace Gateway.Storage.Sqlite;

/// <summary>
/// The embedded default store: the relational store on one SQLite file in WAL mode. Reads take pooled connections of
/// their own; writes go one at a time through a single long-lived connection (see <see cref="SqliteDialect"/>). The file
/// and its -wal and -shm are created owner-only (0600). Once SQLite finds the file corrupt (not a database, truncated, a
/// damaged page), every call throws <see cref="CorruptDatabaseFileException"/> and the file is no longer touched.
/// </summary>
/// <param name="databasePath">The database file, created (owner-only) when missing.</param>
/// <param name="registry">The schemas whose unique keys and references the writes check.</param>
/// <param name="time">The clock of the change log.</param>
public sealed class SqliteConfigStore(string databasePath, SchemaRegistry registry, TimeProvider time)
    : RelationalConfigStore(new SqliteDialect(databasePath), registry, time);
