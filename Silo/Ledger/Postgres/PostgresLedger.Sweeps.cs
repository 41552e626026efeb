using System.Security.Cryptography;
using System.Text;

namespace OrleansSweeps.Silo.Ledger.Postgres;

public sealed partial class PostgresLedger
{
    /// <summary>
    /// Inserts the sweep, its points and its runs (queued) in one transaction. Two processes
    /// registering the same id at once: the second waits on the first's row and then finds it registered.
    /// On a replay whose first attempt committed, the sweep's own creation time identifies it and the answer stays <c>true</c>.
    /// </summary>
    public async Task<bool> RegisterSweepAsync(SweepDefinition sweep, CancellationToken cancel = default)
    {
        var registered = await Register(sweep, cancel).ConfigureAwait(false);
        // A new sweep is a bulk load: refresh the planner's statistics at once rather than at autovacuum's next
        // pass, or the catalog's queries plan for the old table sizes.
        if (registered) await Run(session => session.ExecuteAsync("ANALYZE runs, points"), cancel).ConfigureAwait(false);
        return registered;
    }

    private Task<bool> Register(SweepDefinition sweep, CancellationToken cancel)
    {
        if (sweep.Points.Select(p => p.Point).Distinct().Count() != sweep.Points.Count)
            throw new ArgumentException($"sweep '{sweep.Sweep}': point indices must be distinct", nameof(sweep));
        if (sweep.Points.FirstOrDefault(p => p.Replicates < 1) is { } empty)
            throw new ArgumentException($"sweep '{sweep.Sweep}': point {empty.Point} has {empty.Replicates} replicates (at least 1)", nameof(sweep));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sweep.SpecText)));
        var createdAt = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return Run(async session =>
        {
            var inserted = await session.ExecuteAsync("INSERT INTO sweeps VALUES (@s, @h, 'active', @now) ON CONFLICT (sweep) DO NOTHING",
                ("s", sweep.Sweep), ("h", hash), ("now", createdAt));
            if (inserted == 0)
            {
                var (existing, created) = (await session.QueryAsync("SELECT spec_sha256, created_at FROM sweeps WHERE sweep = @s FOR UPDATE",
                    r => (r.GetString(0), r.GetInt64(1)), ("s", sweep.Sweep))).Single();
                if (existing != hash)
                    throw new SweepConflictException($"sweep '{sweep.Sweep}' is already registered with a different spec (SHA-256 {existing[..12]}…, this one {hash[..12]}…); choose another id");
                await session.ExecuteAsync("UPDATE sweeps SET state = 'active' WHERE sweep = @s", ("s", sweep.Sweep));
                return session.Replay && created == createdAt;
            }
            await session.ExecuteAsync("""
                INSERT INTO points (sweep, point, parameters, replicates, device)
                SELECT @s, point, parameters, replicates, device
                FROM unnest(@points, @parameters, @replicates, @devices) AS p (point, parameters, replicates, device)
                """, ("s", sweep.Sweep), ("points", sweep.Points.Select(p => p.Point).ToArray()),
                ("parameters", sweep.Points.Select(p => p.Parameters).ToArray()), ("replicates", sweep.Points.Select(p => p.Replicates).ToArray()),
                ("devices", sweep.Points.Select(p => p.Device).ToArray()));
            await session.ExecuteAsync("""
                INSERT INTO runs (sweep, point, replicate, state)
                SELECT p.sweep, p.point, r, 'queued' FROM points p CROSS JOIN LATERAL generate_series(0, p.replicates - 1) AS r
                WHERE p.sweep = @s
                """, ("s", sweep.Sweep));
            return true;
        }, cancel);
    }

    public Task<bool> CancelSweepAsync(string sweep, CancellationToken cancel = default) =>
        Run(async session => await session.ExecuteAsync("UPDATE sweeps SET state = 'cancelled' WHERE sweep = @s", ("s", sweep)) == 1, cancel);

    public Task<bool> DeleteSweepAsync(string sweep, CancellationToken cancel = default) =>
        Run(async session =>
        {
            // Children before parents: the foreign keys are enforced.
            foreach (var table in new[] { "reports", "aggregates", "runs", "points" })
                await session.ExecuteAsync($"DELETE FROM {table} WHERE sweep = @s", ("s", sweep));
            return await session.ExecuteAsync("DELETE FROM sweeps WHERE sweep = @s", ("s", sweep)) == 1;
        }, cancel);

    public Task<SweepStatus?> GetSweepStatusAsync(string sweep, CancellationToken cancel = default) =>
        Run(async session => (await ReadStatuses(session, sweep)).SingleOrDefault(), cancel);

    public Task<IReadOnlyList<SweepStatus>> ListSweepsAsync(CancellationToken cancel = default) =>
        Run<IReadOnlyList<SweepStatus>>(async session => await ReadStatuses(session, null), cancel);

    private static Task<List<SweepStatus>> ReadStatuses(PostgresSession session, string? sweep)
    {
        const string Counts = """
            SELECT s.sweep, s.spec_sha256, s.state, s.created_at,
                (SELECT count(*)::int FROM points p WHERE p.sweep = s.sweep),
                r.queued, r.running, r.completed, r.failed, a.ready, a.completed
            FROM sweeps s
            CROSS JOIN LATERAL (SELECT
                count(*) FILTER (WHERE state = 'queued')::int AS queued, count(*) FILTER (WHERE state = 'running')::int AS running,
                count(*) FILTER (WHERE state = 'completed')::int AS completed, count(*) FILTER (WHERE state = 'failed')::int AS failed
                FROM runs WHERE runs.sweep = s.sweep) r
            CROSS JOIN LATERAL (SELECT
                count(*) FILTER (WHERE state = 'ready')::int AS ready, count(*) FILTER (WHERE state = 'completed')::int AS completed
                FROM aggregates WHERE aggregates.sweep = s.sweep) a
            WHERE @s::text IS NULL OR s.sweep = @s::text
            ORDER BY s.created_at, s.sweep
            """;
        return session.QueryAsync(Counts, r => new SweepStatus(
            r.GetString(0), r.GetString(1), r.GetString(2) == "active" ? SweepState.Active : SweepState.Cancelled,
            r.GetInt32(4), FromMs(r.GetInt64(3)),
            new RunCounts(r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8)),
            new AggregateCounts(r.GetInt32(9), r.GetInt32(10))), ("s", sweep));
    }
}
