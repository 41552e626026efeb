using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// One training run as an actor: activated with its identity, spec and store, it either returns the
/// curves of an already finished run or trains (resuming from its latest checkpoint) and stores them.
/// Re-activating it after a crash repeats no finished work and, runs being deterministic, yields the
/// same curves as an uninterrupted run.
/// </summary>
public sealed class RunGrain(RunId id, RunSpec spec, string device, IRunStore store)
{
    public RunId Id { get; } = id;

    /// <summary>Called after every update with the number of updates done.</summary>
    public Action<int>? Progress { get; init; }

    /// <param name="data">The point's data (shared by its replicates).</param>
    /// <param name="test">The common test set, already on the device.</param>
    public IReadOnlyList<CurveRow> Activate(DataPlan data, TensorData test, CancellationToken cancel)
    {
        if (store.ReadCurves() is { } finished) return finished;
        var train = data.TrainingSet(Id.Replicate);
        using var trainData = TensorData.Upload(train, spec.Model.Precision, device);
        var run = new TrainingRun(spec, Id.Replicate, device) { Checkpoints = store.Checkpoints, Progress = Progress };
        var rows = run.Execute(train, trainData, test, cancel);
        store.WriteCurves(rows);
        return rows;
    }
}
