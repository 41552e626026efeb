-- OrleansQuery and cluster membership (Microsoft.Orleans.Clustering.AdoNet 10.4.2)
--
-- The ADO.NET providers ship no SQL: at startup each reads its statements with
-- "SELECT QueryKey, QueryText FROM OrleansQuery" and runs them with named parameters (@DeploymentId, ...),
-- reading result columns by name (case-insensitively, so unquoted aliases match). PostgreSQL folds the
-- unquoted names to lower case; the provider's own query folds the same way.
-- Times are timestamptz: Npgsql sends the providers' UTC DateTime values as timestamptz.
-- SiloStatus as the provider writes it: 3 Active, 6 Dead.

CREATE TABLE OrleansQuery (
    QueryKey text PRIMARY KEY,
    QueryText text NOT NULL);

-- One row per cluster (DeploymentId = ClusterOptions.ClusterId); its version is the table's ETag: every
-- membership change is conditional on it and increments it, heartbeats (IAmAlive) do not.
CREATE TABLE orleans_membership_version (
    deployment_id text PRIMARY KEY,
    version integer NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now());

-- One row per silo incarnation (address, port, generation).
CREATE TABLE orleans_membership (
    deployment_id text NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address text NOT NULL,
    port integer NOT NULL,
    generation integer NOT NULL,
    silo_name text NOT NULL,
    host_name text NOT NULL,
    status integer NOT NULL,
    proxy_port integer NOT NULL DEFAULT 0,
    suspect_times text,
    start_time timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation));

-- Creates the cluster's version row once; true when this call created it.
INSERT INTO OrleansQuery VALUES ('InsertMembershipVersionKey', $sql$
    WITH created AS (
        INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
        ON CONFLICT DO NOTHING
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM created)
$sql$);

-- Every member with the table version, in one snapshot. The outer join yields one row (StartTime NULL:
-- no member) when the cluster has none, which is how the provider reads the version alone.
INSERT INTO OrleansQuery VALUES ('MembershipReadAllKey', $sql$
    SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
           m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
           m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
           v.version AS Version
    FROM orleans_membership_version v
    LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
    WHERE v.deployment_id = @DeploymentId
$sql$);

-- One member (or none) with the table version.
INSERT INTO OrleansQuery VALUES ('MembershipReadRowKey', $sql$
    SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
           m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
           m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
           v.version AS Version
    FROM orleans_membership_version v
    LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
        AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    WHERE v.deployment_id = @DeploymentId
$sql$);

-- Adds a silo if the table is still at @Version, incrementing it; true on success. The version row is
-- locked first (FOR UPDATE re-checks the version after waiting), so of two silos joining on one version
-- exactly one succeeds, and a failed attempt leaves neither a member row nor a new version.
INSERT INTO OrleansQuery VALUES ('InsertMembershipKey', $sql$
    WITH expected AS (
        SELECT deployment_id FROM orleans_membership_version
        WHERE deployment_id = @DeploymentId AND version = @Version
        FOR UPDATE),
    inserted AS (
        INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                        proxy_port, start_time, i_am_alive_time)
        SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
               @ProxyPort, @StartTime, @IAmAliveTime
        FROM expected
        ON CONFLICT DO NOTHING
        RETURNING deployment_id),
    bumped AS (
        UPDATE orleans_membership_version v SET version = v.version + 1, changed_at = now()
        FROM inserted i WHERE v.deployment_id = i.deployment_id
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM bumped)
$sql$);

-- Changes a silo's status and suspicions if the table is still at @Version and the silo has a row,
-- incrementing the version; true on success, and nothing changed otherwise.
INSERT INTO OrleansQuery VALUES ('UpdateMembershipKey', $sql$
    WITH expected AS (
        SELECT v.deployment_id FROM orleans_membership_version v
        JOIN orleans_membership m ON m.deployment_id = v.deployment_id
            AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
        WHERE v.deployment_id = @DeploymentId AND v.version = @Version
        FOR UPDATE OF v),
    bumped AS (
        UPDATE orleans_membership_version v SET version = v.version + 1, changed_at = now()
        FROM expected e WHERE v.deployment_id = e.deployment_id
        RETURNING v.deployment_id),
    updated AS (
        UPDATE orleans_membership m
        SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
        FROM bumped b
        WHERE m.deployment_id = b.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM updated)
$sql$);

-- A silo's heartbeat: not a membership change, so the version stays.
INSERT INTO OrleansQuery VALUES ('UpdateIAmAlivetimeKey', $sql$
    UPDATE orleans_membership SET i_am_alive_time = @IAmAliveTime
    WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$sql$);

-- Active gateways for clients (@Status is Active); a silo without a gateway has proxy port 0.
INSERT INTO OrleansQuery VALUES ('GatewaysQueryKey', $sql$
    SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
    FROM orleans_membership
    WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$sql$);

-- The whole cluster's rows (the members go with the version row).
INSERT INTO OrleansQuery VALUES ('DeleteMembershipTableEntriesKey', $sql$
    DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
$sql$);

-- Dead silos last seen before @IAmAliveTime. 10.4.2 uses this only when CleanupDefunctSiloEntryKey is
-- absent, but requires the key at startup.
INSERT INTO OrleansQuery VALUES ('CleanupDefunctSiloEntriesKey', $sql$
    DELETE FROM orleans_membership
    WHERE deployment_id = @DeploymentId AND status = 6
        AND i_am_alive_time < @IAmAliveTime AND start_time < @IAmAliveTime
$sql$);

-- One dead silo the provider chose from a read (it applies the cutoff itself), deleted only if its row
-- still holds the values read: a row changed since is left alone.
INSERT INTO OrleansQuery VALUES ('CleanupDefunctSiloEntryKey', $sql$
    DELETE FROM orleans_membership
    WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
        AND status = 6 AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
        AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '')
$sql$);
