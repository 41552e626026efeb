using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// What a <see cref="RunGrain"/> needs of the silo it lives on: the spec, its slots and data, the run's blobs and
/// the catalog. The silo implements it (dependencies point inward: the grains never see the stores themselves).
/// </summary>
public interface IRunSite
{
    /// <summary>The run's point spec (sweep specs are read once per silo).</summary>
    Task<RunSpec> SpecAsync(RunId run);

    /// <summary>
    /// Whether the run's sweep is still to be trained: false when it was cancelled or deleted (a run's reminder must not
    /// train it again; a resumed sweep admits its unfinished runs itself).
    /// </summary>
    Task<bool> SweepActiveAsync(RunId run);

    /// <summary>The device this silo trains the spec on (its own <c>--device</c>, or the spec's).</summary>
    string DeviceFor(RunSpec spec);

    /// <summary>Least wall time between periodic checkpoints.</summary>
    TimeSpan CheckpointMinInterval { get; }

    /// <summary>Period of the reminder that wakes a run whose silo died; null: no reminders (an embedded silo dies with its process).</summary>
    TimeSpan? ReminderPeriod { get; }

    /// <summary>
    /// A slot of this silo for the run (Training), else, while its runs are short, a place in line for the next free one
    /// (Queued: the thread waits with <see cref="WaitForSlot"/>), else NoSlot.
    /// </summary>
    RunAdmission AdmitToSlot(RunId run);

    /// <summary>On the run's thread: blocks until the run in line holds its slot (true), or <paramref name="cancel"/> took it out of line (false).</summary>
    bool WaitForSlot(RunId run, CancellationToken cancel);

    /// <summary>Whether a run may wait in line for a slot of this silo now (its recent runs were short).</summary>
    bool QueuesRuns { get; }

    /// <summary>Gives the run's slot back (to the run first in line, if any); a run still in line leaves it.</summary>
    void ReleaseSlot(RunId run);

    /// <summary>
    /// An activation of the run gave its slot back: the engine's training time in it (<see cref="RunActivation.EngineTime"/>;
    /// zero when drained or nothing was trained) and how long it held the slot. The rest of the slot time is orchestration.
    /// </summary>
    void Trained(RunId run, TimeSpan engine, TimeSpan onSlot);

    /// <summary>
    /// The run's thread started: when the silo stops, it cancels <paramref name="drain"/> (the thread checkpoints and stops)
    /// and waits for <paramref name="ended"/> (the activation's end handled), for at most the grace period.
    /// </summary>
    void Track(RunId run, CancellationTokenSource drain, Task ended);

    /// <summary>A deactivation stopped waiting for the run's thread (past the grace period): it stops without a final checkpoint.</summary>
    void Abandon(RunId run);

    /// <summary>Whether the silo (or the run's deactivation) gave up waiting for the run's thread: what the thread does now is not reported.</summary>
    bool WasAbandoned(RunId run);

    /// <summary>The point's data on the device, shared by its replicates on this silo; dispose to release.</summary>
    PointData AcquireData(RunId run, RunSpec spec, string device);

    /// <summary>Blob key of the run's checkpoint of <paramref name="step"/> (kept in its state, for whoever reads it).</summary>
    string CheckpointKey(RunId run, int step);

    /// <summary>The run's blobs: checkpoints, curves, stats, moment vectors, failure.</summary>
    IRunStore Store(RunId run);

    /// <summary>While a run's thread works (its trace span: the reports of its conclusion are its children too); dispose when the thread ends.</summary>
    IDisposable Training(RunId run, int attempt, int fromStep, string device);

    /// <summary>Progress events (console display, telemetry), called from the training thread.</summary>
    ISweepObserver Events { get; }

    /// <summary>Told when stored state is ignored or a run stops unexpectedly.</summary>
    Action<string> Warn { get; }

    /// <summary>Marks the run running in the catalog.</summary>
    Task StartedAsync(RunId run);

    /// <summary>Records reports exactly once; returns the aggregates they made ready.</summary>
    Task<IReadOnlyList<AggregateId>> ReportAsync(RunId run, IReadOnlyList<(int Step, string Payload)> reports);

    /// <summary>The run stopped without ending (drained): the catalog shows it queued until it trains again.</summary>
    Task StoppedAsync(RunId run);

    /// <summary>Marks the run completed (<paramref name="failure"/> null) or failed in the catalog.</summary>
    Task EndedAsync(RunId run, string? failure);
}

/// <summary>A point's data lent to one run: the plan its training set is drawn from and the common test set.</summary>
public sealed class PointData(DataPlan plan, TensorData test, Action release) : IDisposable
{
    public DataPlan Plan { get; } = plan;

    public TensorData Test { get; } = test;

    public void Dispose() => release();
}
