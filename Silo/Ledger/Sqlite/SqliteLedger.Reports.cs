using Microsoft.Data.Sqlite;
using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

public sealed partial class SqliteLedger
{
    public Task<ReportOutcome> ReportStepAsync(Lease lease, int step, string payload, CancellationToken cancel = default)
    {
        RequireKind(lease, LeaseKind.Run);
        return Task.FromResult(Write((c, t) => IsCurrent(c, t, lease) ? Insert(c, t, lease, step, payload) : ReportOutcome.Rejected));
    }

    public Task<bool> ReportStepsAsync(Lease lease, IReadOnlyList<StepPayload> reports, CancellationToken cancel = default)
    {
        RequireKind(lease, LeaseKind.Run);
        return Task.FromResult(Write((c, t) =>
        {
            if (!IsCurrent(c, t, lease)) return false;
            foreach (var report in reports) Insert(c, t, lease, report.Step, report.Payload);
            return true;
        }));
    }

    /// <summary>Records one report of the (current) lease's run; the caller's transaction checked the lease.</summary>
    private ReportOutcome Insert(SqliteConnection c, SqliteTransaction? t, Lease lease, int step, string payload)
    {
        var (sweep, point, replicate) = (lease.Resource.Sweep, lease.Resource.Point, lease.Resource.Ordinal);
        var now = NowMs();
        var inserted = c.Execute(t, "INSERT INTO reports VALUES ($s, $p, $step, $r, $payload, $now) ON CONFLICT DO NOTHING",
            ("$s", sweep), ("$p", point), ("$step", step), ("$r", replicate), ("$payload", payload), ("$now", now));
        if (inserted == 0) return ReportOutcome.AlreadyRecorded;
        // The M-th report of (point, step) makes its aggregate ready, in the same transaction, so no
        // interleaving of replicates can miss it or create it twice.
        c.Execute(t, """
            INSERT INTO aggregates (sweep, point, step, state, ready_at)
            SELECT $s, $p, $step, 'ready', $now FROM points
            WHERE sweep = $s AND point = $p
              AND replicates = (SELECT count(*) FROM reports WHERE sweep = $s AND point = $p AND step = $step)
            ON CONFLICT DO NOTHING
            """, ("$s", sweep), ("$p", point), ("$step", step), ("$now", now));
        return ReportOutcome.Recorded;
    }

    public Task<IReadOnlyList<StepReport>> ReadReportsAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<StepReport>>(Read((c, t) => c.Query(t,
            "SELECT replicate, step, payload FROM reports WHERE sweep = $s AND point = $p AND step = $step ORDER BY replicate",
            r => new StepReport(r.GetInt32(0), r.GetInt32(1), r.GetString(2)),
            ("$s", aggregate.Sweep), ("$p", aggregate.Point), ("$step", aggregate.Step))));
}
