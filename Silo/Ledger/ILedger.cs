using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger;

/// <summary>
/// The ledger: the durable record of sweeps, their runs and aggregates, the silos that work on them, and
/// the leases that give every run and aggregate a single activation (DESIGN.md, "Actors").
/// <para>
/// Single activation is by fencing: a claim hands out a <see cref="Lease"/> whose token is larger than
/// every token issued before for the same run or aggregate. Every state change names its lease and is
/// applied only while that lease is still the current one (same owner, same token); otherwise it returns
/// <c>false</c> (or <see cref="ReportOutcome.Rejected"/>) and changes nothing. A lease past its expiry
/// stays current until someone else claims the work, so a slow holder that was not replaced loses nothing.
/// </para>
/// Adapters: SQLite (embedded default, <c>{home}/ledger.db</c>); PostgreSQL for a cluster (issue 6). Both
/// pass <c>Tests/Silo/LedgerContract.cs</c>. Implementations are safe to call from many threads.
/// </summary>
public interface ILedger : IAsyncDisposable
{
    /// <summary>
    /// Records a sweep with all its runs queued. Registering the same spec again (same SHA-256 of the
    /// text) is a no-op that returns <c>false</c>; a different spec under the same id throws
    /// <see cref="SweepConflictException"/>. A cancelled sweep registered again becomes active again.
    /// </summary>
    Task<bool> RegisterSweepAsync(SweepDefinition sweep, CancellationToken cancel = default);

    /// <summary>Stops new claims of the sweep's runs and aggregates; holders learn it on renewal. False if unknown.</summary>
    Task<bool> CancelSweepAsync(string sweep, CancellationToken cancel = default);

    /// <summary>Counts of runs and aggregates by state; null for an unknown sweep.</summary>
    Task<SweepStatus?> GetSweepStatusAsync(string sweep, CancellationToken cancel = default);

    /// <summary>Every sweep, oldest first.</summary>
    Task<IReadOnlyList<SweepStatus>> ListSweepsAsync(CancellationToken cancel = default);

    /// <summary>Registers the silo or refreshes its heartbeat (an expired silo becomes alive again).</summary>
    Task HeartbeatAsync(string silo, int slots, CancellationToken cancel = default);

    /// <summary>
    /// Marks silos whose last heartbeat is <paramref name="silence"/> or more ago as expired and frees
    /// their leases (runs back to queued, aggregates back to ready). Returns the silos expired now.
    /// </summary>
    Task<IReadOnlyList<string>> ExpireSilentSilosAsync(TimeSpan silence, CancellationToken cancel = default);

    /// <summary>
    /// A silo that stops marks itself expired at once (so <c>sweeps status</c> does not show it alive until it falls
    /// silent), with the same effect on any lease it still holds as expiry. False when it was not alive.
    /// </summary>
    Task<bool> LeaveAsync(string silo, CancellationToken cancel = default);

    Task<IReadOnlyList<SiloRecord>> ListSilosAsync(CancellationToken cancel = default);

    /// <summary>
    /// Claims up to <paramref name="max"/> runnable runs (queued, or running under a lease that expired)
    /// of active sweeps for <paramref name="owner"/>. Runs of a point whose replicates this owner already
    /// holds come first, then points nobody holds, then the rest; within that, oldest sweep, point, replicate.
    /// </summary>
    Task<IReadOnlyList<RunClaim>> ClaimRunsAsync(string owner, int max, TimeSpan leaseDuration, CancellationToken cancel = default) =>
        ClaimRunsAsync(owner, max, leaseDuration, null, cancel);

    /// <summary>As above, of points whose device kind is <paramref name="device"/> only (any when null): a silo claims what its slots can serve.</summary>
    Task<IReadOnlyList<RunClaim>> ClaimRunsAsync(string owner, int max, TimeSpan leaseDuration, string? device, CancellationToken cancel = default);

    /// <summary>Claims up to <paramref name="max"/> ready aggregates (or ones whose lease expired) of active sweeps.</summary>
    Task<IReadOnlyList<AggregateClaim>> ClaimAggregatesAsync(string owner, int max, TimeSpan leaseDuration, CancellationToken cancel = default);

    /// <summary>Extends a run or aggregate lease to now + <paramref name="leaseDuration"/>.</summary>
    Task<RenewalOutcome> RenewAsync(Lease lease, TimeSpan leaseDuration, CancellationToken cancel = default);

    /// <summary>Gives the work back unfinished (a run to queued, an aggregate to ready), e.g. on a graceful drain.</summary>
    Task<bool> ReleaseAsync(Lease lease, CancellationToken cancel = default);

    /// <summary>Records that the run's checkpoint of <paramref name="step"/> is durable; the next claim resumes from it.</summary>
    Task<bool> RecordCheckpointAsync(Lease lease, int step, CancellationToken cancel = default);

    /// <summary>
    /// Records the report of one recorded step of the leased run, exactly once per (run, step): a repeat is
    /// ignored (the first payload stays). The M-th report of a (point, step) makes its aggregate ready.
    /// </summary>
    Task<ReportOutcome> ReportStepAsync(Lease lease, int step, string payload, CancellationToken cancel = default);

    /// <summary>
    /// <see cref="ReportStepAsync"/> for several steps in one transaction (a run reports what it finished
    /// since its last report at once). False, with nothing recorded, when the lease is not current. The
    /// default reports one by one; adapters override it with one round trip.
    /// </summary>
    async Task<bool> ReportStepsAsync(Lease lease, IReadOnlyList<StepPayload> reports, CancellationToken cancel = default)
    {
        foreach (var report in reports)
            if (await ReportStepAsync(lease, report.Step, report.Payload, cancel).ConfigureAwait(false) == ReportOutcome.Rejected) return false;
        return true;
    }

    Task<bool> CompleteRunAsync(Lease lease, CancellationToken cancel = default);

    Task<bool> FailRunAsync(Lease lease, string reason, CancellationToken cancel = default);

    /// <summary>The reports of one (point, step), in replicate order (the order aggregates reduce in).</summary>
    Task<IReadOnlyList<StepReport>> ReadReportsAsync(AggregateId aggregate, CancellationToken cancel = default);

    /// <summary>Stores the aggregate's result (scalars as text) and marks it completed.</summary>
    Task<bool> CompleteAggregateAsync(Lease lease, string result, CancellationToken cancel = default);

    /// <summary>The stored result of a completed aggregate, or null.</summary>
    Task<string?> ReadAggregateResultAsync(AggregateId aggregate, CancellationToken cancel = default);

    // The catalog as the Orleans grains use it. No lease: a run's grain state, written with its storage ETag,
    // is what fences a stale activation; these writes are idempotent, so a retried call changes nothing.

    /// <summary>
    /// Marks the run running (a queued one, or one started before) on <paramref name="silo"/> (the Orleans silo name of
    /// the activation that trains it) and counts the start; returns the count.
    /// </summary>
    Task<int> StartRunAsync(RunId run, string silo, CancellationToken cancel = default);

    /// <summary>
    /// Records the run's reports of several recorded steps in one transaction, each exactly once per (run, step): an
    /// identical repeat is ignored, a repeat with other bytes throws <see cref="ReportConflictException"/> and records
    /// nothing. Returns the aggregates these reports made ready (the M-th report of a (point, step)).
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
