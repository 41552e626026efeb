using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Postgres;

public sealed partial class PostgresLedger
{
    /// <summary>
    /// Exactly once per (run, step): the primary key and <c>ON CONFLICT DO NOTHING</c> keep the first report;
    /// the insert happens only while the lease is current (<see cref="Fence"/>, held FOR SHARE to commit).
    /// The M-th report makes the aggregate ready in the same transaction. Reports of one point are serialised
    /// on the point's row, so under READ COMMITTED the last of M concurrent reports sees the other M−1
    /// committed and no interleaving misses the aggregate or creates it twice.
    /// </summary>
    public Task<ReportOutcome> ReportStepAsync(Lease lease, int step, string payload, CancellationToken cancel = default)
    {
        RequireKind(lease, LeaseKind.Run);
        return Run(session => Record(session, lease, step, payload), cancel);
    }

    /// <summary>The steps' reports in one transaction; a stale lease is found at the first and records nothing.</summary>
    public Task<bool> ReportStepsAsync(Lease lease, IReadOnlyList<StepPayload> reports, CancellationToken cancel = default)
    {
        RequireKind(lease, LeaseKind.Run);
        return Run(async session =>
        {
            foreach (var report in reports)
                if (await Record(session, lease, report.Step, report.Payload) == ReportOutcome.Rejected) return false;
            return true;
        }, cancel);
    }

    private static async Task<ReportOutcome> Record(PostgresSession session, Lease lease, int step, string payload)
    {
        var inserted = await session.ExecuteAsync($"""
            WITH fence AS ({Fence})
            INSERT INTO reports (sweep, point, step, replicate, payload, recorded_at, token)
            SELECT @s, @p, @step, @o, @payload, @now, @token FROM fence
            ON CONFLICT DO NOTHING
            """, Fenced(lease, ("step", step), ("payload", payload), ("now", session.NowMs)));
        if (inserted == 0) return await Unrecorded(session, lease, step);
        await session.ExecuteAsync("SELECT 1 FROM points WHERE sweep = @s AND point = @p FOR NO KEY UPDATE",
            ("s", lease.Resource.Sweep), ("p", lease.Resource.Point));
        await session.ExecuteAsync("""
            WITH ready AS (
                INSERT INTO aggregates (sweep, point, step, state, ready_at)
                SELECT @s, @p, @step, 'ready', @now FROM points
                WHERE sweep = @s AND point = @p
                  AND replicates = (SELECT count(*) FROM reports WHERE sweep = @s AND point = @p AND step = @step)
                ON CONFLICT DO NOTHING
                RETURNING sweep, point, step)
            INSERT INTO leases (sweep, kind, point, ordinal, owner, token, expires_at)
            SELECT sweep, 'aggregate', point, step, NULL, 0, NULL FROM ready
            ON CONFLICT DO NOTHING
            """, ("s", lease.Resource.Sweep), ("p", lease.Resource.Point), ("step", step), ("now", session.NowMs));
        return ReportOutcome.Recorded;
    }

    /// <summary>
    /// Why nothing was inserted: a stale lease is <see cref="ReportOutcome.Rejected"/>; otherwise the step was
    /// recorded before, by this very attempt's first try on a replay (same token: answer Recorded), else AlreadyRecorded.
    /// </summary>
    private static async Task<ReportOutcome> Unrecorded(PostgresSession session, Lease lease, int step)
    {
        var current = await session.ScalarAsync<int?>(Fence, Fenced(lease)) is not null;
        if (!current) return ReportOutcome.Rejected;
        if (!session.Replay) return ReportOutcome.AlreadyRecorded;
        var token = await session.ScalarAsync<long?>("SELECT token FROM reports WHERE sweep = @s AND point = @p AND step = @step AND replicate = @o",
            ("s", lease.Resource.Sweep), ("p", lease.Resource.Point), ("step", step), ("o", lease.Resource.Ordinal));
        return token == lease.Token ? ReportOutcome.Recorded : ReportOutcome.AlreadyRecorded;
    }

    public Task<IReadOnlyList<StepReport>> ReadReportsAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Run<IReadOnlyList<StepReport>>(async session => await session.QueryAsync(
            "SELECT replicate, step, payload FROM reports WHERE sweep = @s AND point = @p AND step = @step ORDER BY replicate",
            r => new StepReport(r.GetInt32(0), r.GetInt32(1), r.GetString(2)),
            ("s", aggregate.Sweep), ("p", aggregate.Point), ("step", aggregate.Step)), cancel);
}
