namespace Gateway.Storage.Postgres;

/// <summary>
/// The tables and named queries Orleans' ADO.NET clustering provider (Microsoft.Orleans.Clustering.AdoNet
/// 10.4.2) expects on PostgreSQL. The package ships no scripts; the provider reads its SQL from the
/// <c>OrleansQuery</c> table by key and binds <c>@DeploymentId</c>, <c>@Address</c>, ... by name.
/// Written for 10.4.2's parameter set: it sends no silo metadata, so there is no metadata column.
/// Inserts and updates answer 1 when they applied and 0 when the table version moved underneath
/// (optimistic concurrency), undoing their own partial work in a sub-transaction.
/// </summary>
internal static class OrleansClusteringTables
{
    /// <summary>A migration that creates them.</summary>
    public const string Create = """
        CREATE TABLE OrleansQuery (
            QueryKey  VARCHAR(64) NOT NULL PRIMARY KEY,
            QueryText VARCHAR(8000) NOT NULL
        );

        -- One row per cluster: its membership version, bumped by every change to its silo rows.
        CREATE TABLE OrleansMembershipVersionTable (
            DeploymentId VARCHAR(150) NOT NULL PRIMARY KEY,
            Timestamp    TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
            Version      INTEGER NOT NULL DEFAULT 0
        );

        -- One row per silo incarnation.
        CREATE TABLE OrleansMembershipTable (
            DeploymentId VARCHAR(150) NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
            Address      VARCHAR(45) NOT NULL,
            Port         INTEGER NOT NULL,
            Generation   INTEGER NOT NULL,
            SiloName     VARCHAR(150) NOT NULL,
            HostName     VARCHAR(150) NOT NULL,
            Status       INTEGER NOT NULL,
            ProxyPort    INTEGER NULL,
            SuspectTimes VARCHAR(8000) NULL,
            StartTime    TIMESTAMPTZ(3) NOT NULL,
            IAmAliveTime TIMESTAMPTZ(3) NOT NULL,
            PRIMARY KEY (DeploymentId, Address, Port, Generation)
        );

        CREATE FUNCTION gateway_orleans_insert_version(deployment TEXT) RETURNS INTEGER
        LANGUAGE plpgsql AS $fn$
        DECLARE
            affected INTEGER;
        BEGIN
            INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (deployment)
            ON CONFLICT (DeploymentId) DO NOTHING;
            GET DIAGNOSTICS affected = ROW_COUNT;
            RETURN affected;
        END
        $fn$;

        CREATE FUNCTION gateway_orleans_insert_silo(
            deployment TEXT, silo_address TEXT, silo_port INTEGER, silo_generation INTEGER,
            silo_name TEXT, host_name TEXT, silo_status INTEGER, proxy_port INTEGER,
            start_time TIMESTAMPTZ, alive_time TIMESTAMPTZ, expected_version INTEGER) RETURNS INTEGER
        LANGUAGE plpgsql AS $fn$
        DECLARE
            affected INTEGER;
        BEGIN
            BEGIN
                INSERT INTO OrleansMembershipTable
                    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                VALUES
                    (deployment, silo_address, silo_port, silo_generation, silo_name, host_name, silo_status, proxy_port, start_time, alive_time)
                ON CONFLICT DO NOTHING;
                GET DIAGNOSTICS affected = ROW_COUNT;
                IF affected = 0 THEN
                    RETURN 0;
                END IF;

                UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
                WHERE DeploymentId = deployment AND Version = expected_version;
                GET DIAGNOSTICS affected = ROW_COUNT;
                IF affected = 0 THEN
                    -- Someone else changed the table first: undo the insert above.
                    RAISE SQLSTATE 'GWVER';
                END IF;

                RETURN 1;
            EXCEPTION WHEN SQLSTATE 'GWVER' THEN
                RETURN 0;
            END;
        END
        $fn$;

        CREATE FUNCTION gateway_orleans_update_silo(
            deployment TEXT, silo_address TEXT, silo_port INTEGER, silo_generation INTEGER,
            silo_status INTEGER, suspect_times TEXT, alive_time TIMESTAMPTZ, expected_version INTEGER) RETURNS INTEGER
        LANGUAGE plpgsql AS $fn$
        DECLARE
            affected INTEGER;
        BEGIN
            BEGIN
                UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
                WHERE DeploymentId = deployment AND Version = expected_version;
                GET DIAGNOSTICS affected = ROW_COUNT;
                IF affected = 0 THEN
                    RETURN 0;
                END IF;

                UPDATE OrleansMembershipTable SET Status = silo_status, SuspectTimes = suspect_times, IAmAliveTime = alive_time
                WHERE DeploymentId = deployment AND Address = silo_address AND Port = silo_port AND Generation = silo_generation;
                GET DIAGNOSTICS affected = ROW_COUNT;
                IF affected = 0 THEN
                    -- No such silo: the version bump above must not stay.
                    RAISE SQLSTATE 'GWVER';
                END IF;

                RETURN 1;
            EXCEPTION WHEN SQLSTATE 'GWVER' THEN
                RETURN 0;
            END;
        END
        $fn$;

        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('InsertMembershipVersionKey',
         'SELECT gateway_orleans_insert_version(@DeploymentId);'),
        ('InsertMembershipKey',
         'SELECT gateway_orleans_insert_silo(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),
        ('UpdateMembershipKey',
         'SELECT gateway_orleans_update_silo(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version);'),
        ('UpdateIAmAlivetimeKey',
         'UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
          WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;'),
        ('MembershipReadRowKey',
         'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
                 m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
          FROM OrleansMembershipVersionTable v
          LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
               AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
          WHERE v.DeploymentId = @DeploymentId;'),
        ('MembershipReadAllKey',
         'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
                 m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
          FROM OrleansMembershipVersionTable v
          LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
          WHERE v.DeploymentId = @DeploymentId;'),
        ('DeleteMembershipTableEntriesKey',
         'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
          DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;'),
        ('GatewaysQueryKey',
         'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;'),
        ('CleanupDefunctSiloEntriesKey',
         'DELETE FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status != 3;'),
        ('CleanupDefunctSiloEntryKey',
         'DELETE FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;');
        """;
}
