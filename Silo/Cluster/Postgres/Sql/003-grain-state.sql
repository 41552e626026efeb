-- Grain state (Microsoft.Orleans.Persistence.AdoNet 10.4.2)
--
-- One row per (service, state name, grain key). The provider passes the state name of
-- [PersistentState(name, storage)] as @GrainTypeString and the grain's key as N0/N1 (Guid or integer
-- keys) plus @GrainIdExtensionString (the key extension, or the whole string key); the grain type itself
-- is not passed, so two grain kinds must not share a state name in one storage. The hashes it also sends
-- are ignored: the natural key is the primary key. version is the ETag: every write names the version
-- it read and fails (NULL, which the provider reports as InconsistentStateException) when another
-- writer got there first. Clear keeps a tombstone (payload NULL, version incremented).

CREATE TABLE orleans_grain_state (
    service_id text NOT NULL,
    grain_type text NOT NULL,
    grain_id_n0 bigint NOT NULL,
    grain_id_n1 bigint NOT NULL,
    grain_id_extension text NOT NULL,
    version integer NOT NULL,
    payload bytea,
    modified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension));

INSERT INTO OrleansQuery VALUES ('ReadFromStorageKey', $sql$
    SELECT payload AS PayloadBinary, version AS Version
    FROM orleans_grain_state
    WHERE service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0
        AND grain_id_n1 = @GrainIdN1 AND grain_id_extension = COALESCE(@GrainIdExtensionString, '')
$sql$);

-- Exactly one row: the new version, or NULL when the row is not at @GrainStateVersion (NULL: no row yet).
INSERT INTO OrleansQuery VALUES ('WriteToStorageKey', $sql$
    WITH inserted AS (
        INSERT INTO orleans_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, version, payload)
        SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), 1, @PayloadBinary
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT DO NOTHING
        RETURNING version),
    updated AS (
        UPDATE orleans_grain_state SET version = version + 1, payload = @PayloadBinary, modified_at = now()
        WHERE service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0
            AND grain_id_n1 = @GrainIdN1 AND grain_id_extension = COALESCE(@GrainIdExtensionString, '')
            AND version = @GrainStateVersion
        RETURNING version)
    SELECT (SELECT version FROM inserted UNION ALL SELECT version FROM updated) AS NewGrainStateVersion
$sql$);

-- Exactly one row: the tombstone's version, or NULL on a version conflict.
INSERT INTO OrleansQuery VALUES ('ClearStorageKey', $sql$
    WITH cleared AS (
        UPDATE orleans_grain_state SET version = version + 1, payload = NULL, modified_at = now()
        WHERE service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0
            AND grain_id_n1 = @GrainIdN1 AND grain_id_extension = COALESCE(@GrainIdExtensionString, '')
            AND version = @GrainStateVersion
        RETURNING version)
    SELECT (SELECT version FROM cleared) AS NewGrainStateVersion
$sql$);

-- With DeleteStateOnClear: removes the row instead; one row, NULL on a version conflict.
INSERT INTO OrleansQuery VALUES ('DeleteStorageKey', $sql$
    WITH deleted AS (
        DELETE FROM orleans_grain_state
        WHERE service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0
            AND grain_id_n1 = @GrainIdN1 AND grain_id_extension = COALESCE(@GrainIdExtensionString, '')
            AND version = @GrainStateVersion
        RETURNING version + 1 AS version)
    SELECT (SELECT version FROM deleted) AS NewGrainStateVersion
$sql$);
