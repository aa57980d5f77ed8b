namespace Gateway.Storage.Sqlite;

/// <summary>
/// The store's tables. They are generic (one table for every entity type) so that the PostgreSQL
/// and Cassandra stores can mirror them column for column.
/// </summary>
internal static class SqliteTables
{
    /// <summary>Creates whatever is missing; safe to run on every start.</summary>
    public const string Create = """
        CREATE TABLE IF NOT EXISTS entities (
            entity TEXT NOT NULL,
            id     TEXT NOT NULL,
            body   TEXT NOT NULL,
            PRIMARY KEY (entity, id)
        ) WITHOUT ROWID;

        -- Every unique field of a row, and its cache key (key '@cache_key', value canonical JSON).
        CREATE TABLE IF NOT EXISTS unique_keys (
            entity TEXT NOT NULL,
            "key"  TEXT NOT NULL,
            value  TEXT NOT NULL,
            id     TEXT NOT NULL,
            PRIMARY KEY (entity, "key", value)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS unique_keys_by_row ON unique_keys (entity, id);

        -- Every non-null foreign field: deletes find children by target, lists filter by field.
        CREATE TABLE IF NOT EXISTS refs (
            entity     TEXT NOT NULL,
            id         TEXT NOT NULL,
            field      TEXT NOT NULL,
            ref_entity TEXT NOT NULL,
            ref_id     TEXT NOT NULL,
            PRIMARY KEY (entity, id, field)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS refs_by_target ON refs (ref_entity, ref_id);
        CREATE INDEX IF NOT EXISTS refs_by_field ON refs (entity, field, ref_id);

        CREATE TABLE IF NOT EXISTS tags (
            tag    TEXT NOT NULL,
            entity TEXT NOT NULL,
            id     TEXT NOT NULL,
            PRIMARY KEY (tag, entity, id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS tags_by_row ON tags (entity, id);

        CREATE TABLE IF NOT EXISTS config_version (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            version   INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO config_version (singleton, version) VALUES (1, 0);

        -- seq keeps the order of the rows within one version (a cascade logs several).
        CREATE TABLE IF NOT EXISTS change_log (
            seq     INTEGER PRIMARY KEY AUTOINCREMENT,
            version INTEGER NOT NULL,
            entity  TEXT NOT NULL,
            id      TEXT NOT NULL,
            kind    TEXT NOT NULL,
            at      INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS change_log_by_version ON change_log (version);
        """;
}
