-- Reminders (Microsoft.Orleans.Reminders.AdoNet 10.4.2)
--
-- One row per (service, grain, reminder name). grain_hash is the grain's uniform hash as the provider
-- sends it: the unsigned hash cast to a signed integer, and the provider picks ReadRangeRows1Key when
-- the range (@BeginHash, @EndHash] does not wrap in signed order, else ReadRangeRows2Key, so both
-- compare signed integers. version is the reminder's ETag. Period is in milliseconds.

CREATE TABLE orleans_reminders (
    service_id text NOT NULL,
    grain_id text NOT NULL,
    reminder_name text NOT NULL,
    start_time timestamptz NOT NULL,
    period bigint NOT NULL,
    grain_hash integer NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name));

CREATE INDEX orleans_reminders_by_hash ON orleans_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery VALUES ('ReadReminderRowsKey', $sql$
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId
$sql$);

INSERT INTO OrleansQuery VALUES ('ReadReminderRowKey', $sql$
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$sql$);

INSERT INTO OrleansQuery VALUES ('ReadRangeRows1Key', $sql$
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$sql$);

INSERT INTO OrleansQuery VALUES ('ReadRangeRows2Key', $sql$
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$);

-- Inserts or replaces a reminder; the new ETag is returned.
INSERT INTO OrleansQuery VALUES ('UpsertReminderRowKey', $sql$
    INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
        SET start_time = EXCLUDED.start_time, period = EXCLUDED.period, grain_hash = EXCLUDED.grain_hash,
            version = orleans_reminders.version + 1
    RETURNING version AS Version
$sql$);

-- Deletes a reminder if it still has the ETag the caller read; true when it did.
INSERT INTO OrleansQuery VALUES ('DeleteReminderRowKey', $sql$
    WITH deleted AS (
        DELETE FROM orleans_reminders
        WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM deleted)
$sql$);

INSERT INTO OrleansQuery VALUES ('DeleteReminderRowsKey', $sql$
    DELETE FROM orleans_reminders WHERE service_id = @ServiceId
$sql$);
