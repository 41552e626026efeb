using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Postgres;

public sealed partial class PostgresLedger
{
    /// <summary>
    /// One statement claims: the MATERIALIZED CTE picks runnable runs in claim order and locks each run with its
    /// lease row, skipping rows another claimer holds (<c>SKIP LOCKED</c>: claimers never wait, never collide);
    /// PostgreSQL re-checks a locked row against its latest version, so a run claimed and committed meanwhile
    /// drops out. Then the leases get a token one above the last issued, and the runs become running.
    /// Claim order as in SQLite: points this owner holds, then points nobody holds, then oldest sweep, point, replicate.
    /// </summary>
    private const string ClaimRuns = """
        WITH candidates AS MATERIALIZED (
            SELECT r.sweep, r.point, r.replicate, s.created_at,
                EXISTS (SELECT 1 FROM leases m WHERE m.sweep = r.sweep AND m.kind = 'run' AND m.point = r.point
                        AND m.owner = @owner AND m.expires_at > @now) AS mine,
                EXISTS (SELECT 1 FROM leases o WHERE o.sweep = r.sweep AND o.kind = 'run' AND o.point = r.point
                        AND o.owner <> @owner AND o.expires_at > @now) AS others
            FROM runs r
            JOIN sweeps s ON s.sweep = r.sweep
            JOIN points p ON p.sweep = r.sweep AND p.point = r.point
            JOIN leases l ON l.sweep = r.sweep AND l.kind = 'run' AND l.point = r.point AND l.ordinal = r.replicate
            WHERE s.state = 'active' AND (@device::text IS NULL OR p.device = @device)
              AND (r.state = 'queued' OR (r.state = 'running' AND (l.owner IS NULL OR l.expires_at <= @now)))
            ORDER BY mine DESC, others ASC, s.created_at, r.sweep, r.point, r.replicate
            LIMIT @max
            FOR UPDATE OF r, l SKIP LOCKED),
        granted AS (
            UPDATE leases l SET owner = @owner, token = l.token + 1, expires_at = @expires
            FROM candidates c WHERE l.sweep = c.sweep AND l.kind = 'run' AND l.point = c.point AND l.ordinal = c.replicate
            RETURNING l.sweep, l.point, l.ordinal, l.token),
        claimed AS (
            UPDATE runs r SET state = 'running', attempts = r.attempts + 1
            FROM candidates c WHERE r.sweep = c.sweep AND r.point = c.point AND r.replicate = c.replicate
            RETURNING r.sweep, r.point, r.replicate, r.checkpoint_step, r.attempts)
        SELECT c.sweep, c.point, c.replicate, cl.checkpoint_step, cl.attempts, g.token
        FROM candidates c
        JOIN granted g ON g.sweep = c.sweep AND g.point = c.point AND g.ordinal = c.replicate
        JOIN claimed cl ON cl.sweep = c.sweep AND cl.point = c.point AND cl.replicate = c.replicate
        ORDER BY c.mine DESC, c.others ASC, c.created_at, c.sweep, c.point, c.replicate
        """;

    public Task<IReadOnlyList<RunClaim>> ClaimRunsAsync(string owner, int max, TimeSpan leaseDuration, string? device = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Run<IReadOnlyList<RunClaim>>(async session =>
        {
            var expires = session.NowMs + Ms(leaseDuration);
            return await session.QueryAsync(ClaimRuns, r =>
            {
                var run = new RunId(r.GetString(0), r.GetInt32(1), r.GetInt32(2));
                var checkpoint = r.IsDBNull(3) ? (int?)null : r.GetInt32(3);
                return new RunClaim(run, new Lease(LeaseResource.For(run), owner, r.GetInt64(5), FromMs(expires)), checkpoint, r.GetInt32(4));
            }, ("owner", owner), ("now", session.NowMs), ("expires", expires), ("max", max), ("device", (object?)device ?? DBNull.Value));
        }, cancel);
    }

    public Task<bool> RecordCheckpointAsync(Lease lease, int step, CancellationToken cancel = default)
    {
        RequireKind(lease, LeaseKind.Run);
        return Run(async session => await session.ExecuteAsync($"""
            WITH fence AS ({Fence})
            UPDATE runs SET checkpoint_step = @step
            WHERE sweep = @s AND point = @p AND replicate = @o AND state = 'running' AND EXISTS (SELECT 1 FROM fence)
            """, Fenced(lease, ("step", step))) == 1, cancel);
    }

    public Task<bool> CompleteRunAsync(Lease lease, CancellationToken cancel = default) => Finish(lease, "completed", null, cancel);

    public Task<bool> FailRunAsync(Lease lease, string reason, CancellationToken cancel = default) => Finish(lease, "failed", reason, cancel);

    private Task<bool> Finish(Lease lease, string state, string? failure, CancellationToken cancel)
    {
        RequireKind(lease, LeaseKind.Run);
        return Run(async session =>
        {
            var finished = await session.ExecuteAsync($"""
                WITH freed AS ({FreeLease})
                UPDATE runs SET state = @state, failure = @failure::text, finished_at = @now
                WHERE sweep = @s AND point = @p AND replicate = @o AND state = 'running' AND EXISTS (SELECT 1 FROM freed)
                """, Fenced(lease, ("state", state), ("failure", failure), ("now", session.NowMs))) == 1;
            return finished || await AlreadyFinished(session, lease, state);
        }, cancel);
    }
}
