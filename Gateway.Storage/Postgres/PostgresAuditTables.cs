namespace Gateway.Storage.Postgres;

/// <summary>The audit log's tables on PostgreSQL, column for column those of the SQLite store (see Gateway.Storage/Audit).</summary>
internal static class PostgresAuditTables
{
    /// <summary>The migration that adds them.</summary>
    public const string Create = """
        CREATE TABLE audit_requests (
            sequence          BIGINT PRIMARY KEY,
            request_id        TEXT COLLATE "C",
            request_timestamp BIGINT NOT NULL,
            method            TEXT COLLATE "C",
            status            BIGINT,
            rbac_user_name    TEXT COLLATE "C",
            rbac_user_id      TEXT COLLATE "C",
            client_ip         TEXT COLLATE "C",
            request_source    TEXT COLLATE "C",
            expires_at        BIGINT NOT NULL,
            record            TEXT NOT NULL
        );
        CREATE INDEX audit_requests_by_time ON audit_requests (request_timestamp);
        CREATE INDEX audit_requests_by_request ON audit_requests (request_id);
        CREATE TABLE audit_objects (
            sequence          BIGINT PRIMARY KEY,
            id                TEXT COLLATE "C" NOT NULL,
            request_id        TEXT COLLATE "C",
            request_timestamp BIGINT NOT NULL,
            dao_name          TEXT COLLATE "C",
            entity_key        TEXT COLLATE "C",
            operation         TEXT COLLATE "C",
            rbac_user_id      TEXT COLLATE "C",
            expires_at        BIGINT NOT NULL,
            record            TEXT NOT NULL
        );
        CREATE INDEX audit_objects_by_time ON audit_objects (request_timestamp);
        CREATE INDEX audit_objects_by_request ON audit_objects (request_id);
        CREATE INDEX audit_objects_by_entity ON audit_objects (entity_key);
        CREATE TABLE audit_chain (
            singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
            head_sequence   BIGINT NOT NULL,
            head_hash       TEXT NOT NULL,
            anchor_sequence BIGINT NOT NULL,
            anchor_hash     TEXT NOT NULL
        );
        INSERT INTO audit_chain (singleton, head_sequence, head_hash, anchor_sequence, anchor_hash) VALUES (1, 0, '', 0, '');
        """;
}
