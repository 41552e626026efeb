using Microsoft.Data.Sqlite;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

/// <summary>
/// The ledger's schema as a versioned list of migrations, applied in order inside one write transaction,
/// so a crash mid-migration leaves the previous version. Times are Unix milliseconds (UTC).
/// <list type="bullet">
/// <item><c>schema_version(version, description, applied_at)</c>: one row per applied migration.</item>
/// <item><c>sweeps(sweep, spec_sha256, state, created_at)</c>: state 'active' | 'cancelled'.</item>
/// <item><c>points(sweep, point, parameters, replicates)</c>: the grid, with M per point.</item>
/// <item><c>runs(sweep, point, replicate, state, attempts, failure, finished_at, silo)</c>:
/// state 'queued' | 'running' | 'completed' | 'failed'; attempts counts starts.</item>
/// <item><c>reports(sweep, point, step, replicate, payload, recorded_at)</c>: one row per recorded step
/// of a run; the primary key is what makes a report exactly-once.</item>
/// <item><c>aggregates(sweep, point, step, state, result, ready_at, completed_at)</c>: created 'ready' by
/// the M-th report of (point, step); then 'completed' (the CHECK still allows version 1's 'running', which
/// version 4 turned back into 'ready': SQLite cannot change a CHECK without rebuilding the table).</item>
/// <item><c>runs.silo</c> (version 3): the name of the silo training a running run (Orleans <c>SiloName</c>), null otherwise.</item>
/// <item><c>silo_slots(silo, slots, device, started_at)</c> (version 3): what each silo serves, written as it starts;
/// whether it is alive is Orleans' membership's to say, never this table's.</item>
/// <item>Version 4 drops what the home-made actor host used before Orleans: the <c>leases</c> and <c>silos</c>
/// tables and <c>runs.checkpoint_step</c> (a run's checkpoint is in its grain state now); aggregates a claim
/// left 'running' are 'ready' again (their reports are in, their result is not).</item>
/// </list>
/// </summary>
internal static class SqliteSchema
{
    public sealed record Migration(int Version, string Description, string Sql);

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "sweeps, points, runs, reports, aggregates, silos, leases", """
            CREATE TABLE sweeps (
                sweep TEXT PRIMARY KEY, spec_sha256 TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('active', 'cancelled')), created_at INTEGER NOT NULL);
            CREATE TABLE points (
                sweep TEXT NOT NULL REFERENCES sweeps (sweep), point INTEGER NOT NULL,
                parameters TEXT NOT NULL, replicates INTEGER NOT NULL CHECK (replicates > 0),
                PRIMARY KEY (sweep, point));
            CREATE TABLE runs (
                sweep TEXT NOT NULL, point INTEGER NOT NULL, replicate INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0, checkpoint_step INTEGER, failure TEXT, finished_at INTEGER,
                PRIMARY KEY (sweep, point, replicate), FOREIGN KEY (sweep, point) REFERENCES points (sweep, point));
            CREATE INDEX runs_by_state ON runs (state, sweep, point, replicate);
            CREATE TABLE reports (
                sweep TEXT NOT NULL, point INTEGER NOT NULL, step INTEGER NOT NULL, replicate INTEGER NOT NULL,
                payload TEXT NOT NULL, recorded_at INTEGER NOT NULL,
                PRIMARY KEY (sweep, point, step, replicate),
                FOREIGN KEY (sweep, point, replicate) REFERENCES runs (sweep, point, replicate));
            CREATE TABLE aggregates (
                sweep TEXT NOT NULL, point INTEGER NOT NULL, step INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('ready', 'running', 'completed')),
                result TEXT, ready_at INTEGER NOT NULL, completed_at INTEGER,
                PRIMARY KEY (sweep, point, step), FOREIGN KEY (sweep, point) REFERENCES points (sweep, point));
            CREATE INDEX aggregates_by_state ON aggregates (state, sweep, point, step);
            CREATE TABLE silos (
                silo TEXT PRIMARY KEY, slots INTEGER NOT NULL, state TEXT NOT NULL CHECK (state IN ('alive', 'expired')),
                started_at INTEGER NOT NULL, last_heartbeat INTEGER NOT NULL);
            CREATE TABLE leases (
                sweep TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('run', 'aggregate')),
                point INTEGER NOT NULL, ordinal INTEGER NOT NULL,
                owner TEXT, token INTEGER NOT NULL, expires_at INTEGER,
                PRIMARY KEY (sweep, kind, point, ordinal));
            CREATE INDEX leases_by_owner ON leases (owner, kind, sweep, point);
            """),
        new(2, "points.device: the device kind a point's runs need (placement)", """
            ALTER TABLE points ADD COLUMN device TEXT NOT NULL DEFAULT 'cpu' CHECK (device IN ('cpu', 'cuda'));
            """),
        new(3, "runs.silo: the silo training a run; silo_slots: each silo's slots and device", """
            ALTER TABLE runs ADD COLUMN silo TEXT;
            CREATE TABLE silo_slots (
                silo TEXT PRIMARY KEY, slots INTEGER NOT NULL CHECK (slots > 0), device TEXT NOT NULL, started_at INTEGER NOT NULL);
            """),
        new(4, "drop the pre-Orleans host's leases, silos and runs.checkpoint_step; running aggregates are ready", """
            DROP TABLE leases;
            DROP TABLE silos;
            ALTER TABLE runs DROP COLUMN checkpoint_step;
            UPDATE aggregates SET state = 'ready' WHERE state = 'running';
            """),
    ];

    public static int KnownVersion => Migrations[^1].Version;

    /// <summary>Brings the database to <see cref="KnownVersion"/>; refuses one written by a newer program.</summary>
    public static void Migrate(SqliteConnection connection, long nowMs, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        connection.Execute(transaction, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)
            """);
        var current = connection.Scalar<long?>(transaction, "SELECT max(version) FROM schema_version") ?? 0;
        if (current > KnownVersion)
            throw new LedgerSchemaException(
                $"ledger '{path}': schema version {current} was written by a newer program (this one knows up to {KnownVersion}); upgrade sweeps");
        foreach (var migration in Migrations.Where(m => m.Version > current))
        {
            connection.Execute(transaction, migration.Sql);
            connection.Execute(transaction, "INSERT INTO schema_version VALUES ($v, $d, $t)",
                ("$v", migration.Version), ("$d", migration.Description), ("$t", nowMs));
        }
        transaction.Commit();
    }
}
