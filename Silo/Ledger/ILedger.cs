using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger;

/// <summary>
/// The ledger: the durable catalog of sweeps, their runs (queued, running, completed, failed, and the silo training
/// each running one), the runs' step reports, the aggregates those make ready and their results, and what each silo
/// serves (docs/architecture.md). It holds no ownership: a run's Orleans grain state, written with its storage ETag,
/// fences a stale activation, and Orleans' membership says which silos are alive. Every write is idempotent, so a
/// grain call Orleans delivers again (at least once) changes nothing the second time.
/// <para>
/// Adapters: SQLite (embedded default, <c>{home}/ledger.db</c>); PostgreSQL for a cluster (issue 6). Both
/// pass <c>Tests/Silo/LedgerContract.cs</c>. Implementations are safe to call from many threads.
/// </para>
/// </summary>
public interface ILedger : IAsyncDisposable
{
    /// <summary>
    /// Records a sweep with all its runs queued. Registering the same spec again (same SHA-256 of the
    /// text) is a no-op that returns <c>false</c>; a different spec under the same id throws
    /// <see cref="SweepConflictException"/>. A cancelled sweep registered again becomes active again.
    /// </summary>
    Task<bool> RegisterSweepAsync(SweepDefinition sweep, CancellationToken cancel = default);

    /// <summary>Marks the sweep cancelled (registering it again makes it active again). False if unknown.</summary>
    Task<bool> CancelSweepAsync(string sweep, CancellationToken cancel = default);

    /// <summary>
    /// Removes the sweep from the catalog: its reports, aggregates, runs, points and row, in one transaction. False if
    /// unknown. The caller removes its grain states and blobs first (<c>SweepDeletion</c>), so a deletion cut short
    /// still lists the sweep and can be run again.
    /// </summary>
    Task<bool> DeleteSweepAsync(string sweep, CancellationToken cancel = default);

    /// <summary>Counts of runs and aggregates by state; null for an unknown sweep.</summary>
    Task<SweepStatus?> GetSweepStatusAsync(string sweep, CancellationToken cancel = default);

    /// <summary>Every sweep, oldest first.</summary>
    Task<IReadOnlyList<SweepStatus>> ListSweepsAsync(CancellationToken cancel = default);

    /// <summary>The reports of one (point, step), in replicate order (the order aggregates reduce in).</summary>
    Task<IReadOnlyList<StepReport>> ReadReportsAsync(AggregateId aggregate, CancellationToken cancel = default);

    /// <summary>The stored result of a completed aggregate, or null.</summary>
    Task<string?> ReadAggregateResultAsync(AggregateId aggregate, CancellationToken cancel = default);

    /// <summary>
    /// Marks the run running (a queued one, or one started before) on <paramref name="silo"/> (the Orleans silo name of
    /// the activation that trains it) and counts the start; returns the count.
    /// </summary>
    Task<int> StartRunAsync(RunId run, string silo, CancellationToken cancel = default);

    /// <summary>
    /// Records the run's reports of several recorded steps in one transaction, each exactly once per (run, step): an
    /// identical repeat is ignored, a repeat with other bytes throws <see cref="ReportConflictException"/> and records
    /// nothing. Returns the aggregates these reports made ready (the M-th report of a (point, step)); a repeat makes none
    /// ready again (whoever missed the first answer finds them with <see cref="ListPendingAggregatesAsync"/>).
    /// </summary>
    Task<IReadOnlyList<AggregateId>> RecordReportsAsync(RunId run, IReadOnlyList<StepPayload> reports, CancellationToken cancel = default);

    /// <summary>A running run stopped without ending (drained): it is queued again, on no silo. Any other state stays.</summary>
    Task StopRunAsync(RunId run, CancellationToken cancel = default);

    /// <summary>
    /// Queues every running run again, on no silo: an embedded silo holding its home's lock knows no other process
    /// trains them (a process that died left them running). Returns how many.
    /// </summary>
    Task<int> RequeueRunningAsync(CancellationToken cancel = default);

    /// <summary>Marks the run completed (<paramref name="failure"/> null) or failed, on no silo; a run already ended stays as it is.</summary>
    Task EndRunAsync(RunId run, string? failure, CancellationToken cancel = default);

    /// <summary>
    /// Stores the result of a ready aggregate and marks it completed; the same result again is ignored, another throws
    /// <see cref="AggregateConflictException"/>.
    /// </summary>
    Task RecordAggregateAsync(AggregateId aggregate, string result, CancellationToken cancel = default);

    /// <summary>Runs in state running and the silo that started them last (null for one started before silos were recorded), by sweep, point, replicate.</summary>
    Task<IReadOnlyList<RunningRun>> ListRunningAsync(CancellationToken cancel = default);

    /// <summary>
    /// Records what a silo serves as it starts, stamped with the ledger's clock (a silo of the same name started before
    /// is replaced). Only for display: whether a silo is alive is Orleans' membership's to say.
    /// </summary>
    Task RecordSiloAsync(string silo, int slots, string device, CancellationToken cancel = default);

    /// <summary>Every silo recorded by <see cref="RecordSiloAsync"/>, by name.</summary>
    Task<IReadOnlyList<SiloSlots>> ListSiloSlotsAsync(CancellationToken cancel = default);

    /// <summary>The sweep's runs not yet completed or failed, by point and replicate.</summary>
    Task<IReadOnlyList<RunId>> ListUnfinishedRunsAsync(string sweep, CancellationToken cancel = default);

    /// <summary>The sweep's aggregates whose M reports are in and whose result is not stored yet.</summary>
    Task<IReadOnlyList<AggregateId>> ListPendingAggregatesAsync(string sweep, CancellationToken cancel = default);
}
