using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>
/// The catalog operations the Orleans grains use (a run's grain state fences a stale activation, not the ledger). Each is idempotent, so
/// a replay after a lost answer (<see cref="PostgresSession.Replay"/>) finds its own work done and changes nothing. Its answer may
/// differ: a replayed <see cref="RecordReportsAsync"/> returns no aggregate (the first attempt made them ready), and those are
/// computed when the sweep's grain next lists the pending ones.
/// </summary>
public sealed partial class PostgresLedger
{
    public Task<int> StartRunAsync(RunId run, string silo, CancellationToken cancel = default) =>
        Run(async session =>
        {
            await session.ExecuteAsync("UPDATE runs SET state = 'running', attempts = attempts + 1, silo = @silo WHERE sweep = @s AND point = @p AND replicate = @r AND state IN ('queued', 'running')",
                [.. RunKey(run), ("silo", silo)]);
            return await session.ScalarAsync<int?>("SELECT attempts FROM runs WHERE sweep = @s AND point = @p AND replicate = @r", RunKey(run))
                ?? throw new InvalidOperationException($"{run}: no such run in the ledger");
        }, cancel);

    /// <summary>Reports of one point are serialised on the point's row, so the M-th of M concurrent reports sees the others.</summary>
    public Task<IReadOnlyList<AggregateId>> RecordReportsAsync(RunId run, IReadOnlyList<StepPayload> reports, CancellationToken cancel = default) =>
        Run<IReadOnlyList<AggregateId>>(async session =>
        {
            await session.ExecuteAsync("SELECT 1 FROM points WHERE sweep = @s AND point = @p FOR NO KEY UPDATE", ("s", run.Sweep), ("p", run.Point));
            var ready = new List<AggregateId>();
            foreach (var report in reports)
            {
                (string, object?)[] key = [.. RunKey(run), ("step", report.Step)];
                var stored = await session.ScalarAsync<string>("SELECT payload FROM reports WHERE sweep = @s AND point = @p AND step = @step AND replicate = @r", key);
                if (stored is not null)
                {
                    if (stored != report.Payload) throw ReportConflictException.For(run, report.Step);
                    continue;
                }
                await session.ExecuteAsync("INSERT INTO reports (sweep, point, step, replicate, payload, recorded_at) VALUES (@s, @p, @step, @r, @payload, @now)",
                    [.. key, ("payload", report.Payload), ("now", session.NowMs)]);
                var made = await session.ExecuteAsync("""
                    INSERT INTO aggregates (sweep, point, step, state, ready_at)
                    SELECT @s, @p, @step, 'ready', @now FROM points
                    WHERE sweep = @s AND point = @p
                      AND replicates = (SELECT count(*) FROM reports WHERE sweep = @s AND point = @p AND step = @step)
                    ON CONFLICT DO NOTHING
                    """, ("s", run.Sweep), ("p", run.Point), ("step", report.Step), ("now", session.NowMs));
                if (made == 1) ready.Add(new AggregateId(run.Sweep, run.Point, report.Step));
            }
            return ready;
        }, cancel);

    public Task StopRunAsync(RunId run, CancellationToken cancel = default) =>
        Run(session => session.ExecuteAsync("UPDATE runs SET state = 'queued', silo = NULL WHERE sweep = @s AND point = @p AND replicate = @r AND state = 'running'", RunKey(run)), cancel);

    public Task<int> RequeueRunningAsync(CancellationToken cancel = default) =>
        Run(session => session.ExecuteAsync("UPDATE runs SET state = 'queued', silo = NULL WHERE state = 'running'"), cancel);

    public Task EndRunAsync(RunId run, string? failure, CancellationToken cancel = default) =>
        Run(session => session.ExecuteAsync(
            "UPDATE runs SET state = @state, failure = @failure, finished_at = @now, silo = NULL WHERE sweep = @s AND point = @p AND replicate = @r AND state IN ('queued', 'running')",
            [.. RunKey(run), ("state", failure is null ? "completed" : "failed"), ("failure", failure), ("now", session.NowMs)]), cancel);

    public Task RecordAggregateAsync(AggregateId aggregate, string result, CancellationToken cancel = default) =>
        Run(async session =>
        {
            (string, object?)[] key = [("s", aggregate.Sweep), ("p", aggregate.Point), ("step", aggregate.Step)];
            var stored = await session.ScalarAsync<string>("SELECT result FROM aggregates WHERE sweep = @s AND point = @p AND step = @step AND state = 'completed' FOR UPDATE", key);
            if (stored is not null) return stored == result ? 0 : throw AggregateConflictException.For(aggregate);
            return await session.ExecuteAsync("UPDATE aggregates SET state = 'completed', result = @result, completed_at = @now WHERE sweep = @s AND point = @p AND step = @step",
                [.. key, ("result", result), ("now", session.NowMs)]) == 1 ? 1 : throw new InvalidOperationException($"{aggregate}: not ready in the ledger");
        }, cancel);

    public Task<IReadOnlyList<RunId>> ListUnfinishedRunsAsync(string sweep, CancellationToken cancel = default) =>
        Run<IReadOnlyList<RunId>>(async session => await session.QueryAsync(
            "SELECT point, replicate FROM runs WHERE sweep = @s AND state IN ('queued', 'running') ORDER BY point, replicate",
            r => new RunId(sweep, r.GetInt32(0), r.GetInt32(1)), ("s", sweep)), cancel);

    public Task<IReadOnlyList<AggregateId>> ListPendingAggregatesAsync(string sweep, CancellationToken cancel = default) =>
        Run<IReadOnlyList<AggregateId>>(async session => await session.QueryAsync(
            "SELECT point, step FROM aggregates WHERE sweep = @s AND state <> 'completed' ORDER BY point, step",
            r => new AggregateId(sweep, r.GetInt32(0), r.GetInt32(1)), ("s", sweep)), cancel);

    private static (string, object?)[] RunKey(RunId run) => [("s", run.Sweep), ("p", run.Point), ("r", run.Replicate)];
}
