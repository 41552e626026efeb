using System.Diagnostics;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Silo.Telemetry;

/// <summary>
/// An <see cref="ILedger"/> that records each call's duration in <see cref="SweepsTelemetry.LedgerDuration"/>
/// (tag <c>sweeps.ledger.operation</c>, e.g. <c>record_reports</c>) and forwards it unchanged.
/// </summary>
public sealed class InstrumentedLedger(ILedger inner) : ILedger
{
    public ILedger Inner { get; } = inner;

    /// <summary><paramref name="ledger"/> instrumented (as is when it already is).</summary>
    public static ILedger Wrap(ILedger ledger) => ledger as InstrumentedLedger ?? new InstrumentedLedger(ledger);

    public Task<bool> RegisterSweepAsync(SweepDefinition sweep, CancellationToken cancel = default) =>
        Timed("register_sweep", () => Inner.RegisterSweepAsync(sweep, cancel));

    public Task<bool> CancelSweepAsync(string sweep, CancellationToken cancel = default) =>
        Timed("cancel_sweep", () => Inner.CancelSweepAsync(sweep, cancel));

    public Task<bool> DeleteSweepAsync(string sweep, CancellationToken cancel = default) =>
        Timed("delete_sweep", () => Inner.DeleteSweepAsync(sweep, cancel));

    public Task<SweepStatus?> GetSweepStatusAsync(string sweep, CancellationToken cancel = default) =>
        Timed("sweep_status", () => Inner.GetSweepStatusAsync(sweep, cancel));

    public Task<IReadOnlyList<SweepStatus>> ListSweepsAsync(CancellationToken cancel = default) =>
        Timed("list_sweeps", () => Inner.ListSweepsAsync(cancel));

    public Task<IReadOnlyList<StepReport>> ReadReportsAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Timed("read_reports", () => Inner.ReadReportsAsync(aggregate, cancel));

    public Task<string?> ReadAggregateResultAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Timed("read_aggregate", () => Inner.ReadAggregateResultAsync(aggregate, cancel));

    public Task<int> StartRunAsync(RunId run, string silo, CancellationToken cancel = default) => Timed("start_run", () => Inner.StartRunAsync(run, silo, cancel));

    public Task<IReadOnlyList<AggregateId>> RecordReportsAsync(RunId run, IReadOnlyList<StepPayload> reports, CancellationToken cancel = default) =>
        Timed("record_reports", () => Inner.RecordReportsAsync(run, reports, cancel));

    public Task StopRunAsync(RunId run, CancellationToken cancel = default) =>
        Timed("stop_run", async () =>
        {
            await Inner.StopRunAsync(run, cancel).ConfigureAwait(false);
            return true;
        });

    public Task<int> RequeueRunningAsync(CancellationToken cancel = default) => Timed("requeue_running", () => Inner.RequeueRunningAsync(cancel));

    public Task EndRunAsync(RunId run, string? failure, CancellationToken cancel = default) =>
        Timed("end_run", async () =>
        {
            await Inner.EndRunAsync(run, failure, cancel).ConfigureAwait(false);
            return true;
        });

    public Task<IReadOnlyList<RunningRun>> ListRunningAsync(CancellationToken cancel = default) =>
        Timed("list_running", () => Inner.ListRunningAsync(cancel));

    public Task RecordSiloAsync(string silo, int slots, string device, CancellationToken cancel = default) =>
        Timed("record_silo", async () =>
        {
            await Inner.RecordSiloAsync(silo, slots, device, cancel).ConfigureAwait(false);
            return true;
        });

    public Task<IReadOnlyList<SiloSlots>> ListSiloSlotsAsync(CancellationToken cancel = default) =>
        Timed("list_silo_slots", () => Inner.ListSiloSlotsAsync(cancel));

    public Task RecordAggregateAsync(AggregateId aggregate, string result, CancellationToken cancel = default) =>
        Timed("record_aggregate", async () =>
        {
            await Inner.RecordAggregateAsync(aggregate, result, cancel).ConfigureAwait(false);
            return true;
        });

    public Task<IReadOnlyList<RunId>> ListUnfinishedRunsAsync(string sweep, CancellationToken cancel = default) =>
        Timed("list_unfinished_runs", () => Inner.ListUnfinishedRunsAsync(sweep, cancel));

    public Task<IReadOnlyList<AggregateId>> ListPendingAggregatesAsync(string sweep, CancellationToken cancel = default) =>
        Timed("list_pending_aggregates", () => Inner.ListPendingAggregatesAsync(sweep, cancel));

    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    private static async Task<T> Timed<T>(string operation, Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            SweepsTelemetry.LedgerDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, new KeyValuePair<string, object?>("sweeps.ledger.operation", operation));
        }
    }
}
