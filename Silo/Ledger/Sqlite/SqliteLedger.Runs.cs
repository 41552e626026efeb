using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

public sealed partial class SqliteLedger
{
    /// <summary>
    /// Runnable runs in claim order. The first two sort keys keep the M replicates of a point on one silo
    /// (their moments then never leave the process): points this owner already holds, then points nobody holds.
    /// </summary>
    private const string RunnableRuns = """
        SELECT r.sweep, r.point, r.replicate, r.checkpoint_step, r.attempts
        FROM runs r JOIN sweeps s ON s.sweep = r.sweep JOIN points p ON p.sweep = r.sweep AND p.point = r.point
        LEFT JOIN leases l ON l.sweep = r.sweep AND l.kind = 'run' AND l.point = r.point AND l.ordinal = r.replicate
        WHERE s.state = 'active' AND ($device IS NULL OR p.device = $device)
          AND (r.state = 'queued' OR (r.state = 'running' AND (l.owner IS NULL OR l.expires_at <= $now)))
        ORDER BY
          EXISTS (SELECT 1 FROM leases m WHERE m.sweep = r.sweep AND m.kind = 'run' AND m.point = r.point
                  AND m.owner = $owner AND m.expires_at > $now) DESC,
          EXISTS (SELECT 1 FROM leases o WHERE o.sweep = r.sweep AND o.kind = 'run' AND o.point = r.point
                  AND o.owner <> $owner AND o.expires_at > $now) ASC,
          s.created_at, r.sweep, r.point, r.replicate
        LIMIT $max
        """;

    public Task<IReadOnlyList<RunClaim>> ClaimRunsAsync(string owner, int max, TimeSpan leaseDuration, string? device = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Task.FromResult<IReadOnlyList<RunClaim>>(Write((c, t) =>
        {
            var now = NowMs();
            var candidates = c.Query(t, RunnableRuns,
                r => (Run: new RunId(r.GetString(0), r.GetInt32(1), r.GetInt32(2)), Checkpoint: r.NullableInt(3), Attempts: r.GetInt32(4)),
                ("$now", now), ("$owner", owner), ("$max", max), ("$device", device));
            var claims = new List<RunClaim>(candidates.Count);
            foreach (var (run, checkpoint, attempts) in candidates)
            {
                var lease = Grant(c, t, LeaseResource.For(run), owner, now + Ms(leaseDuration));
                c.Execute(t, "UPDATE runs SET state = 'running', attempts = attempts + 1 WHERE sweep = $s AND point = $p AND replicate = $r",
                    ("$s", run.Sweep), ("$p", run.Point), ("$r", run.Replicate));
                claims.Add(new RunClaim(run, lease, checkpoint, attempts + 1));
            }
            return claims;
        }));
    }

    public Task<bool> RecordCheckpointAsync(Lease lease, int step, CancellationToken cancel = default)
    {
        RequireKind(lease, LeaseKind.Run);
        return Task.FromResult(Write((c, t) => IsCurrent(c, t, lease) && c.Execute(t,
            "UPDATE runs SET checkpoint_step = $step WHERE sweep = $s AND point = $p AND replicate = $r AND state = 'running'",
            [.. RunKey(lease), ("$step", step)]) == 1));
    }

    public Task<bool> CompleteRunAsync(Lease lease, CancellationToken cancel = default) => Finish(lease, "completed", null);

    public Task<bool> FailRunAsync(Lease lease, string reason, CancellationToken cancel = default) => Finish(lease, "failed", reason);

    private Task<bool> Finish(Lease lease, string state, string? failure)
    {
        RequireKind(lease, LeaseKind.Run);
        return Task.FromResult(Write((c, t) => Free(c, t, lease) && c.Execute(t,
            "UPDATE runs SET state = $state, failure = $failure, finished_at = $now WHERE sweep = $s AND point = $p AND replicate = $r AND state = 'running'",
            [.. RunKey(lease), ("$state", state), ("$failure", failure), ("$now", NowMs())]) == 1));
    }

    private static (string, object?)[] RunKey(Lease lease) =>
        [("$s", lease.Resource.Sweep), ("$p", lease.Resource.Point), ("$r", lease.Resource.Ordinal)];
}
