namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>
/// The PostgreSQL ledger's schema as a versioned list of migrations, applied by the program in one
/// transaction under an advisory lock, so silos starting together migrate once and a failure mid-way
/// leaves the previous version. The tables are those of the SQLite ledger (see <c>SqliteSchema</c>; times
/// are Unix milliseconds from the ledger's clock, never the server's <c>now()</c>), except that sweep and silo
/// names compare byte-wise (<c>COLLATE "C"</c>, SQLite's order), whatever the database's locale. Version 4 drops
/// what the pre-Orleans host used, as in SQLite, and also <c>reports.token</c> (the fencing token of the lease
/// that recorded a report).
/// </summary>
internal static class PostgresSchema
{
    public sealed record Migration(int Version, string Description, string Sql);

    /// <summary>Serialises migrations of one database across processes (any constant; this spells "SWEEPS").</summary>
    public const long MigrationLock = 0x535745455053;

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "sweeps, points, runs, reports, aggregates, silos, leases", """
            CREATE TABLE sweeps (
                sweep text COLLATE "C" PRIMARY KEY, spec_sha256 text NOT NULL,
                state text NOT NULL CHECK (state IN ('active', 'cancelled')), created_at bigint NOT NULL);
            CREATE TABLE points (
                sweep text COLLATE "C" NOT NULL REFERENCES sweeps (sweep), point integer NOT NULL,
                parameters text NOT NULL, replicates integer NOT NULL CHECK (replicates > 0),
                PRIMARY KEY (sweep, point));
            CREATE TABLE runs (
                sweep text COLLATE "C" NOT NULL, point integer NOT NULL, replicate integer NOT NULL,
                state text NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed')),
                attempts integer NOT NULL DEFAULT 0, checkpoint_step integer, failure text, finished_at bigint,
                PRIMARY KEY (sweep, point, replicate), FOREIGN KEY (sweep, point) REFERENCES points (sweep, point));
            CREATE INDEX runs_by_state ON runs (state, sweep, point, replicate);
            CREATE TABLE reports (
                sweep text COLLATE "C" NOT NULL, point integer NOT NULL, step integer NOT NULL, replicate integer NOT NULL,
                payload text NOT NULL, recorded_at bigint NOT NULL, token bigint NOT NULL,
                PRIMARY KEY (sweep, point, step, replicate),
                FOREIGN KEY (sweep, point, replicate) REFERENCES runs (sweep, point, replicate));
            CREATE TABLE aggregates (
                sweep text COLLATE "C" NOT NULL, point integer NOT NULL, step integer NOT NULL,
                state text NOT NULL CHECK (state IN ('ready', 'running', 'completed')),
                result text, ready_at bigint NOT NULL, completed_at bigint,
                PRIMARY KEY (sweep, point, step), FOREIGN KEY (sweep, point) REFERENCES points (sweep, point));
            CREATE INDEX aggregates_by_state ON aggregates (state, sweep, point, step);
            CREATE TABLE silos (
                silo text COLLATE "C" PRIMARY KEY, slots integer NOT NULL, state text NOT NULL CHECK (state IN ('alive', 'expired')),
                started_at bigint NOT NULL, last_heartbeat bigint NOT NULL);
            CREATE TABLE leases (
                sweep text COLLATE "C" NOT NULL, kind text NOT NULL CHECK (kind IN ('run', 'aggregate')),
                point integer NOT NULL, ordinal integer NOT NULL,
                owner text, token bigint NOT NULL, expires_at bigint,
                PRIMARY KEY (sweep, kind, point, ordinal));
            CREATE INDEX leases_by_owner ON leases (owner, kind, sweep, point);
            """),
        new(2, "points.device: the device kind a point's runs need (placement)", """
            ALTER TABLE points ADD COLUMN device text NOT NULL DEFAULT 'cpu' CHECK (device IN ('cpu', 'cuda'));
            """),
        new(3, "runs.silo: the silo training a run; silo_slots: each silo's slots and device", """
            ALTER TABLE runs ADD COLUMN silo text COLLATE "C";
            CREATE TABLE silo_slots (
                silo text COLLATE "C" PRIMARY KEY, slots integer NOT NULL CHECK (slots > 0), device text NOT NULL, started_at bigint NOT NULL);
            """),
        new(4, "drop the pre-Orleans host's leases, silos, runs.checkpoint_step and reports.token; running aggregates are ready", """
            DROP TABLE leases;
            DROP TABLE silos;
            ALTER TABLE runs DROP COLUMN checkpoint_step;
            ALTER TABLE reports DROP COLUMN token;
            UPDATE aggregates SET state = 'ready' WHERE state = 'running';
            """),
    ];

    public static int KnownVersion => Migrations[^1].Version;

    /// <summary>Brings the database to <see cref="KnownVersion"/>; refuses one written by a newer program.</summary>
    public static async Task<bool> MigrateAsync(PostgresSession session, string ledger)
    {
        await session.ExecuteAsync("SELECT pg_advisory_xact_lock(@lock)", ("lock", MigrationLock));
        await session.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS schema_version (
                version integer PRIMARY KEY, description text NOT NULL, applied_at bigint NOT NULL)
            """);
        var current = await session.ScalarAsync<int?>("SELECT max(version) FROM schema_version") ?? 0;
        if (current > KnownVersion)
            throw new LedgerSchemaException(
                $"ledger {ledger}: schema version {current} was written by a newer program (this one knows up to {KnownVersion}); upgrade sweeps");
        foreach (var migration in Migrations.Where(m => m.Version > current))
        {
            await session.ExecuteAsync(migration.Sql);
            await session.ExecuteAsync("INSERT INTO schema_version VALUES (@v, @d, @t)",
                ("v", migration.Version), ("d", migration.Description), ("t", session.NowMs));
        }
        return true;
    }
}
