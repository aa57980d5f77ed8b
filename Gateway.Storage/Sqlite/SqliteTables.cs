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

        -- The audit log (see Gateway.Storage/Audit): the record's JSON, and copies of the fields lists filter on.
        CREATE TABLE IF NOT EXISTS audit_requests (
            sequence          INTEGER PRIMARY KEY,
            request_id        TEXT,
            request_timestamp INTEGER NOT NULL,
            method            TEXT,
            status            INTEGER,
            rbac_user_name    TEXT,
            rbac_user_id      TEXT,
            client_ip         TEXT,
            request_source    TEXT,
            expires_at        INTEGER NOT NULL,
            record            TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_requests_by_time ON audit_requests (request_timestamp);
        CREATE INDEX IF NOT EXISTS audit_requests_by_request ON audit_requests (request_id);
        CREATE TABLE IF NOT EXISTS audit_objects (
            sequence          INTEGER PRIMARY KEY,
            id                TEXT NOT NULL,
            request_id        TEXT,
            request_timestamp INTEGER NOT NULL,
            dao_name          TEXT,
            entity_key        TEXT,
            operation         TEXT,
            rbac_user_id      TEXT,
            expires_at        INTEGER NOT NULL,
            record            TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_objects_by_time ON audit_objects (request_timestamp);
        CREATE INDEX IF NOT EXISTS audit_objects_by_request ON audit_objects (request_id);
        CREATE INDEX IF NOT EXISTS audit_objects_by_entity ON audit_objects (entity_key);
        -- The chain's last record (head) and the last record a purge removed (anchor).
        CREATE TABLE IF NOT EXISTS audit_chain (
            singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
            head_sequence   INTEGER NOT NULL,
            head_hash       TEXT NOT NULL,
            anchor_sequence INTEGER NOT NULL,
            anchor_hash     TEXT NOT NULL
        );
        INSERT OR IGNORE INTO audit_chain (singleton, head_sequence, head_hash, anchor_sequence, anchor_hash) VALUES (1, 0, '', 0, '');
        """;
}
