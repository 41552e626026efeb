using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Storage;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Results;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>Progress events of a sweep, for a console display or logs.</summary>
public interface ISweepObserver
{
    void RunStarted(RunId id, int totalSteps);

    void StepDone(RunId id, int step);

    void RunFinished(RunId id, RunOutcome outcome);
}

/// <summary>
/// Runs every point × replicate of a sweep in this process, one after another, in point then replicate
/// order. State lives in a <see cref="SweepHome"/>, so a sweep that was stopped continues where it
/// stopped: finished runs are read back, interrupted ones resume from their latest checkpoint.
/// (The actor host of DESIGN.md replaces this runner; <see cref="RunGrain"/> is already the unit of work.)
/// </summary>
public sealed class SequentialSweepHost(SweepHome home, Action<string>? warn = null)
{
    public IReadOnlyList<PointSummary> Run(SweepSpec sweep, string sweepId, string? device, ISweepObserver? observer, CancellationToken cancel)
    {
        var specPath = home.SpecPath(sweepId);
        if (File.Exists(specPath) && File.ReadAllText(specPath) != sweep.Text)
            throw new InvalidOperationException($"{specPath}: sweep '{sweepId}' already exists with a different spec; choose another --id");
        if (!File.Exists(specPath)) AtomicFile.WriteAllText(specPath, sweep.Text);

        var summaries = new List<PointSummary>();
        foreach (var point in sweep.Points)
        {
            var spec = point.Spec;
            var runDevice = device ?? spec.Device;
            var data = DataPlan.For(spec);
            using var test = TensorData.Upload(data.Test, spec.Model.Precision, runDevice);
            var outcomes = new List<RunOutcome>();
            for (var m = 0; m < spec.Replicates; m++)
            {
                cancel.ThrowIfCancellationRequested();
                var id = new RunId(sweepId, point.Index, m);
                var grain = new RunGrain(id, spec, runDevice, new FileRunStore(home.RunDirectory(id), warn))
                {
                    Progress = step => observer?.StepDone(id, step),
                };
                var outcome = grain.StoredOutcome();
                if (outcome is null)
                {
                    observer?.RunStarted(id, spec.Training.Steps);
                    outcome = grain.Activate(data, test, cancel);
                }
                observer?.RunFinished(id, outcome);
                outcomes.Add(outcome);
            }
            summaries.Add(PointSummary.From(point, outcomes));
        }
        AtomicFile.WriteAllText(Path.Combine(home.ResultsDirectory(sweepId), "summary.csv"), PointSummary.ToCsv(summaries));
        return summaries;
    }
}
