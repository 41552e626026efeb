using Microsoft.Data.Sqlite;
using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

/// <summary>The catalog operations the Orleans grains use (a run's grain state fences a stale activation, not the ledger).</summary>
public sealed partial class SqliteLedger
{
    public Task<int> StartRunAsync(RunId run, string silo, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) =>
        {
            c.Execute(t, "UPDATE runs SET state = 'running', attempts = attempts + 1, silo = $silo WHERE sweep = $s AND point = $p AND replicate = $r AND state IN ('queued', 'running')",
                [.. RunKey(run), ("$silo", silo)]);
            return c.Scalar<long?>(t, "SELECT attempts FROM runs WHERE sweep = $s AND point = $p AND replicate = $r", RunKey(run)) is { } n
                ? (int)n : throw new InvalidOperationException($"{run}: no such run in ledger '{Path}'");
        }));

    public Task<IReadOnlyList<AggregateId>> RecordReportsAsync(RunId run, IReadOnlyList<StepPayload> reports, CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<AggregateId>>(Write((c, t) =>
        {
            var ready = new List<AggregateId>();
            foreach (var report in reports)
                if (RecordOnce(c, t, run, report)) ready.AddRange(MakeReady(c, t, new AggregateId(run.Sweep, run.Point, report.Step)));
            return ready;
        }));

    /// <summary>True when stored now; an identical repeat is ignored; a repeat that differs throws (runs are deterministic).</summary>
    private bool RecordOnce(SqliteConnection c, SqliteTransaction? t, RunId run, StepPayload report)
    {
        var key = (IEnumerable<(string, object?)>)[.. RunKey(run), ("$step", report.Step)];
        var stored = c.Scalar<string>(t, "SELECT payload FROM reports WHERE sweep = $s AND point = $p AND step = $step AND replicate = $r", [.. key]);
        if (stored is not null) return stored == report.Payload ? false : throw ReportConflictException.For(run, report.Step);
        c.Execute(t, "INSERT INTO reports VALUES ($s, $p, $step, $r, $payload, $now)", [.. key, ("$payload", report.Payload), ("$now", NowMs())]);
        return true;
    }

    /// <summary>The M-th report of (point, step) makes its aggregate ready, in the report's transaction.</summary>
    private IEnumerable<AggregateId> MakeReady(SqliteConnection c, SqliteTransaction? t, AggregateId aggregate)
    {
        var made = c.Execute(t, """
            INSERT INTO aggregates (sweep, point, step, state, ready_at)
            SELECT $s, $p, $step, 'ready', $now FROM points
            WHERE sweep = $s AND point = $p
              AND replicates = (SELECT count(*) FROM reports WHERE sweep = $s AND point = $p AND step = $step)
            ON CONFLICT DO NOTHING
            """, ("$s", aggregate.Sweep), ("$p", aggregate.Point), ("$step", aggregate.Step), ("$now", NowMs()));
        return made == 1 ? [aggregate] : [];
    }

    public Task StopRunAsync(RunId run, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) => c.Execute(t, "UPDATE runs SET state = 'queued', silo = NULL WHERE sweep = $s AND point = $p AND replicate = $r AND state = 'running'", RunKey(run))));

    public Task<int> RequeueRunningAsync(CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) => c.Execute(t, "UPDATE runs SET state = 'queued', silo = NULL WHERE state = 'running'")));

    public Task EndRunAsync(RunId run, string? failure, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) => c.Execute(t,
            "UPDATE runs SET state = $state, failure = $failure, finished_at = $now, silo = NULL WHERE sweep = $s AND point = $p AND replicate = $r AND state IN ('queued', 'running')",
            [.. RunKey(run), ("$state", failure is null ? "completed" : "failed"), ("$failure", failure), ("$now", NowMs())])));

    public Task RecordAggregateAsync(AggregateId aggregate, string result, CancellationToken cancel = default) =>
        Task.FromResult(Write((c, t) =>
        {
            (string, object?)[] key = [("$s", aggregate.Sweep), ("$p", aggregate.Point), ("$step", aggregate.Step)];
            var stored = c.Scalar<string>(t, "SELECT result FROM aggregates WHERE sweep = $s AND point = $p AND step = $step AND state = 'completed'", key);
            if (stored is not null) return stored == result ? 0 : throw AggregateConflictException.For(aggregate);
            return c.Execute(t, "UPDATE aggregates SET state = 'completed', result = $result, completed_at = $now WHERE sweep = $s AND point = $p AND step = $step",
                [.. key, ("$result", result), ("$now", NowMs())]) == 1 ? 1 : throw new InvalidOperationException($"{aggregate}: not ready in ledger '{Path}'");
        }));

    public Task<IReadOnlyList<RunId>> ListUnfinishedRunsAsync(string sweep, CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<RunId>>(Read((c, t) => c.Query(t,
            "SELECT point, replicate FROM runs WHERE sweep = $s AND state IN ('queued', 'running') ORDER BY point, replicate",
            r => new RunId(sweep, r.GetInt32(0), r.GetInt32(1)), ("$s", sweep))));

    public Task<IReadOnlyList<AggregateId>> ListPendingAggregatesAsync(string sweep, CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<AggregateId>>(Read((c, t) => c.Query(t,
            "SELECT point, step FROM aggregates WHERE sweep = $s AND state <> 'completed' ORDER BY point, step",
            r => new AggregateId(sweep, r.GetInt32(0), r.GetInt32(1)), ("$s", sweep))));

    private static (string, object?)[] RunKey(RunId run) => [("$s", run.Sweep), ("$p", run.Point), ("$r", run.Replicate)];
}
