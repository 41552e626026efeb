using System.Diagnostics;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>How an activation ended: the run's curves, the reason it failed for good, or a lost fence (a newer activation owns the run).</summary>
public sealed record RunOutcome(IReadOnlyList<CurveRow>? Curves, string? Failure, bool WasAlreadyDone)
{
    /// <summary>A newer activation owns the run now; this one wrote nothing after it learned so.</summary>
    public bool FenceLost { get; init; }

    public static RunOutcome Lost { get; } = new(null, null, false) { FenceLost = true };
}

/// <summary>
/// One training run as an actor, activated on a slot behind its fence (<see cref="IRunFence"/>). It resumes from its latest valid
/// checkpoint (a corrupt one falls back to the one before), checkpoints every <c>checkpoint_every</c>
/// updates and on drain, reports each recorded step through the fence (exactly once in the ledger), and
/// stores curves, statistics and moment vectors before marking the run complete. Runs are deterministic,
/// so any number of interruptions yields the rows of an uninterrupted run. A diverged run is stored as
/// failed and not retried. Every durable write is fenced: once the fence is lost the activation stops.
/// </summary>
public sealed class RunActivation(RunId id, RunSpec spec, string device, IRunStore store, IRunFence fence)
{
    public RunId Id { get; } = id;

    /// <summary>Called after every update with the number of updates done.</summary>
    public Action<int>? Progress { get; init; }

    /// <summary>See <see cref="TrainingRun.CheckpointMinInterval"/>.</summary>
    public TimeSpan CheckpointMinInterval { get; init; }

    /// <summary>
    /// The ledger says no activation of this run ever began (its first claim), so there is no stored outcome
    /// or checkpoint to look for: the activation skips those reads.
    /// </summary>
    public bool FirstActivation { get; init; }

    /// <summary>
    /// Time the engine trained in the last <see cref="Train"/> that finished training: <c>TrainingRun.Execute</c> less
    /// the grain's own work inside it (checkpoint saves and loads with their reports, moment vectors, progress
    /// callbacks). Zero when nothing was trained (a stored outcome).
    /// </summary>
    public TimeSpan EngineTime { get; private set; }

    /// <summary>Told when stored state is ignored (e.g. curves that do not parse); null: not told.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>The stored outcome, or null when the run still has work to do.</summary>
    public RunOutcome? StoredOutcome()
    {
        if (StoredCurves() is { } finished) return new RunOutcome(finished, null, true);
        return store.ReadFailure() is { } failure ? new RunOutcome(null, failure, true) : null;
    }

    /// <summary>
    /// The stored curves when they are whole. Curves carry no checksum and blob puts are not fsynced (atomic against
    /// process death, not against an OS crash), so a curves blob that does not parse or lacks a recorded step is
    /// treated as absent, with a warning: the run is trained again, which gives the same rows (runs are deterministic).
    /// </summary>
    private IReadOnlyList<CurveRow>? StoredCurves()
    {
        IReadOnlyList<CurveRow>? rows;
        try
        {
            rows = store.ReadCurves();
        }
        catch (InvalidDataException e)
        {
            Warn?.Invoke($"{Id}: ignoring its stored curves, the run is trained again: {e.Message}");
            return null;
        }
        if (rows is null) return null;
        var recorded = spec.Record.Resolve(spec.Training.Steps);
        if (rows.Select(r => r.Step).SequenceEqual(recorded)) return rows;
        Warn?.Invoke($"{Id}: ignoring its stored curves, the run is trained again: they hold {rows.Count} of its {recorded.Count} recorded steps");
        return null;
    }

    /// <param name="data">The point's data (shared by its replicates).</param>
    /// <param name="test">The common test set, already on the device.</param>
    /// <param name="drain">Stops the run after the current update, with a checkpoint (then throws <see cref="OperationCanceledException"/>).</param>
    public RunOutcome Activate(DataPlan data, TensorData test, CancellationToken drain) => Train(data, test, drain).Conclude();

    /// <summary>
    /// The slot's part of <see cref="Activate"/>: resumes and trains the run (checkpointing and reporting on the
    /// way) and returns what is left, its <see cref="RunConclusion"/>, which needs neither the data nor the slot.
    /// Parameters and exceptions as for <see cref="Activate"/>.
    /// </summary>
    public RunConclusion Train(DataPlan data, TensorData test, CancellationToken drain)
    {
        var reporter = new StepReporter(fence, store, Id.ToString());
        try
        {
            // A previous activation may have stored the outcome and died before the ledger heard of it.
            if (!FirstActivation && StoredOutcome() is { } stored)
            {
                // Stored curves were written after every row was reported (TrainOnce): report none again, since a report
                // rebuilt from the curves would lack the moment vectors' locators and differ from the stored one.
                if (stored.Curves is { Count: > 0 } rows) reporter.ReportedThrough(rows[^1].Step);
                return new RunConclusion(() => Conclude(stored, reporter));
            }
            return TrainOnce(data, test, reporter, drain);
        }
        catch (FenceLostException)
        {
            return RunConclusion.Lost;
        }
    }

    private RunConclusion TrainOnce(DataPlan data, TensorData test, StepReporter reporter, CancellationToken drain)
    {
        var train = data.TrainingSet(Id.Replicate);
        using var trainData = TensorData.Upload(train, spec.Model.Precision, device);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(drain, fence.Lost);
        var aside = new TimeAside();
        var run = new TrainingRun(spec, Id.Replicate, device)
        {
            Checkpoints = new FencedCheckpoints(store.Checkpoints, fence, reporter, Id.ToString()) { NothingStored = FirstActivation, Aside = aside },
            CheckpointMinInterval = CheckpointMinInterval,
            Progress = Progress is { } progress ? step =>
            {
                var at = TimeAside.Start();
                progress(step);
                aside.Stop(at);
            } : null,
            MomentsRecorded = spec.Stats.Vectors ? (step, moments) =>
            {
                var at = TimeAside.Start();
                reporter.AddMoments(step, MomentVectors.From(moments).Serialize());
                aside.Stop(at);
            } : null,
        };
        var started = Stopwatch.GetTimestamp();
        try
        {
            var rows = CurveRow.WithStats(run.Execute(train, trainData, test, stop.Token), run.Stats);
            EngineTime = Stopwatch.GetElapsedTime(started) - aside.Total;
            var stats = run.Stats;
            return new RunConclusion(() =>
            {
                reporter.Report(rows);
                // Stats first: curves mark the run as ended in the store.
                if (spec.Stats.Moments || spec.Stats.MgsBatch > 0) store.WriteStats(stats);
                store.WriteCurves(rows);
                return Conclude(new RunOutcome(rows, null, false), reporter);
            });
        }
        catch (RunDivergedException e)
        {
            return new RunConclusion(() =>
            {
                store.WriteFailure(e.Message);
                return Conclude(new RunOutcome(null, e.Message, false), reporter);
            });
        }
        catch (OperationCanceledException) when (fence.Lost.IsCancellationRequested && !drain.IsCancellationRequested)
        {
            return RunConclusion.Lost;
        }
    }

    /// <summary>Tells the ledger how the run ended (its rows first, when it has curves).</summary>
    private RunOutcome Conclude(RunOutcome outcome, StepReporter reporter)
    {
        if (outcome.Curves is { } rows) reporter.Report(rows);
        var accepted = outcome.Failure is { } failure ? fence.Fail(failure) : fence.Complete();
        return accepted ? outcome : RunOutcome.Lost;
    }
}
