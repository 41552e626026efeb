using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>How a run ended: its curves, or the reason it failed for good.</summary>
public sealed record RunOutcome(IReadOnlyList<CurveRow>? Curves, string? Failure, bool WasAlreadyDone);

/// <summary>
/// One training run as an actor: activated with its identity, spec and store, it either returns the
/// outcome of an already ended run or trains (resuming from its latest checkpoint) and stores the
/// outcome. Re-activating it after a crash repeats no finished work and, runs being deterministic,
/// yields the same curves as an uninterrupted run. A diverged run is stored as failed and not retried.
/// </summary>
public sealed class RunGrain(RunId id, RunSpec spec, string device, IRunStore store)
{
    public RunId Id { get; } = id;

    /// <summary>Called after every update with the number of updates done.</summary>
    public Action<int>? Progress { get; init; }

    /// <summary>The stored outcome, or null when the run still has work to do.</summary>
    public RunOutcome? StoredOutcome()
    {
        if (store.ReadCurves() is { } finished) return new RunOutcome(finished, null, true);
        return store.ReadFailure() is { } failure ? new RunOutcome(null, failure, true) : null;
    }

    /// <param name="data">The point's data (shared by its replicates).</param>
    /// <param name="test">The common test set, already on the device.</param>
    /// <param name="cancel">Stops the run after the current update, with a checkpoint.</param>
    public RunOutcome Activate(DataPlan data, TensorData test, CancellationToken cancel)
    {
        if (StoredOutcome() is { } outcome) return outcome;
        var train = data.TrainingSet(Id.Replicate);
        using var trainData = TensorData.Upload(train, spec.Model.Precision, device);
        var run = new TrainingRun(spec, Id.Replicate, device)
        {
            Checkpoints = store.Checkpoints,
            Progress = Progress,
            MomentsRecorded = spec.Stats.Vectors ? (step, moments) => store.WriteMomentVectors(step, MomentVectors.From(moments).Serialize()) : null,
        };
        try
        {
            var rows = CurveRow.WithStats(run.Execute(train, trainData, test, cancel), run.Stats);
            // Stats first: curves.csv marks the run complete.
            if (spec.Stats.Moments || spec.Stats.MgsBatch > 0) store.WriteStats(run.Stats);
            store.WriteCurves(rows);
            return new RunOutcome(rows, null, false);
        }
        catch (RunDivergedException e)
        {
            store.WriteFailure(e.Message);
            return new RunOutcome(null, e.Message, false);
        }
    }
}
