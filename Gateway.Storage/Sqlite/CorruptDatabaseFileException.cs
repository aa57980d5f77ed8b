using Microsoft.Data.Sqlite;

namespace Gateway.Storage.Sqlite;

/// <summary>
/// The SQLite file is not a database, or SQLite found it damaged (a truncated or overwritten file). An
/// <see cref="IOException"/>, so the callers that tell "the database is not there" apart from errors in what was asked
/// (the snapshot fallback, the Admin API's 503) treat it as an unreachable server; the store then leaves the file as it
/// is (see <see cref="SqliteConfigStore"/>).
/// </summary>
public sealed class CorruptDatabaseFileException(string path, SqliteException inner)
    : IOException($"the SQLite file {path} is corrupt ({inner.Message.TrimEnd('.')})", inner)
{
    /// <summary>The database file.</summary>
    public string Path { get; } = path;

    /// <summary>Whether <paramref name="error"/> is SQLite's SQLITE_CORRUPT or SQLITE_NOTADB, any extended code of them included.</summary>
    internal static bool Shows(Exception error) => error is SqliteException { SqliteErrorCode: var code } && (code & 0xFF) is 11 or 26;
}
