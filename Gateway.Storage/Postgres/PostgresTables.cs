namespace Gateway.Storage.Postgres;

/// <summary>
/// The store's tables on PostgreSQL, column for column those of the SQLite store. Text columns use
/// the "C" collation so ids and tags sort bytewise, as the store's page offsets assume, whatever the
/// database's locale.
/// </summary>
internal static class PostgresTables
{
    /// <summary>The first migration: every table of the config store.</summary>
    public const string Create = """
        CREATE TABLE entities (
            entity TEXT COLLATE "C" NOT NULL,
            id     TEXT COLLATE "C" NOT NULL,
            body   TEXT NOT NULL,
            PRIMARY KEY (entity, id)
        );

        -- Every unique field of a row, and its cache key (key '@cache_key', value canonical JSON).
        CREATE TABLE unique_keys (
            entity TEXT COLLATE "C" NOT NULL,
            "key"  TEXT COLLATE "C" NOT NULL,
            value  TEXT COLLATE "C" NOT NULL,
            id     TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (entity, "key", value)
        );
        CREATE INDEX unique_keys_by_row ON unique_keys (entity, id);

        -- Every non-null foreign field: deletes find children by target, lists filter by field.
        CREATE TABLE refs (
            entity     TEXT COLLATE "C" NOT NULL,
            id         TEXT COLLATE "C" NOT NULL,
            field      TEXT COLLATE "C" NOT NULL,
            ref_entity TEXT COLLATE "C" NOT NULL,
            ref_id     TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (entity, id, field)
        );
        CREATE INDEX refs_by_target ON refs (ref_entity, ref_id);
        CREATE INDEX refs_by_field ON refs (entity, field, ref_id);

        CREATE TABLE tags (
            tag    TEXT COLLATE "C" NOT NULL,
            entity TEXT COLLATE "C" NOT NULL,
            id     TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (tag, entity, id)
        );
        CREATE INDEX tags_by_row ON tags (entity, id);

        CREATE TABLE config_version (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            version   BIGINT NOT NULL
        );
        INSERT INTO config_version (singleton, version) VALUES (1, 0);

        -- seq keeps the order of the rows within one version (a cascade logs several).
        CREATE TABLE change_log (
            seq     BIGSERIAL PRIMARY KEY,
            version BIGINT NOT NULL,
            entity  TEXT COLLATE "C" NOT NULL,
            id      TEXT COLLATE "C" NOT NULL,
            kind    TEXT NOT NULL,
            at      BIGINT NOT NULL
        );
        CREATE INDEX change_log_by_version ON change_log (version);
        """;
}
