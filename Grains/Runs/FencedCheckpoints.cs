using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// The run's checkpoint store seen through its fence: a save is refused once the fence is known lost
/// (no stale checkpoint overwrites the newer activation's). The checkpoint's finished rows are reported before it
/// is written, so every step up to a stored checkpoint has been reported (with its moment vectors, which
/// live only in memory until then) and an activation resuming from it reports only later steps. Runs are
/// deterministic, so a report made before a crash equals the one a resumed activation would make.
/// </summary>
internal sealed class FencedCheckpoints(ICheckpointStore inner, IRunFence fence, StepReporter reporter, string run) : ICheckpointStore
{
    /// <summary>The run's first activation: there is nothing to load.</summary>
    public bool NothingStored { get; init; }

    /// <summary>Where the time spent here is counted (it is the grain's, not the engine's).</summary>
    public TimeAside? Aside { get; init; }

    public Checkpoint? LoadLatest()
    {
        var at = TimeAside.Start();
        try
        {
            return Load();
        }
        finally
        {
            Aside?.Stop(at);
        }
    }

    public void Save(Checkpoint checkpoint)
    {
        var at = TimeAside.Start();
        try
        {
            Store(checkpoint);
        }
        finally
        {
            Aside?.Stop(at);
        }
    }

    private Checkpoint? Load()
    {
        var latest = NothingStored ? null : inner.LoadLatest();
        // Its rows (not its step: a row of step t is finished only after update t) were reported before it was saved.
        if (latest is { Rows.Count: > 0 }) reporter.ReportedThrough(latest.Rows.Max(r => r.Step));
        return latest;
    }

    private void Store(Checkpoint checkpoint)
    {
        if (fence.Lost.IsCancellationRequested) throw new FenceLostException($"{run}: fenced off; checkpoint of step {checkpoint.Step} not written");
        reporter.Report(CurveRow.WithStats(checkpoint.Rows, checkpoint.Stats));
        inner.Save(checkpoint);
        if (!fence.RecordCheckpoint(checkpoint.Step)) throw new FenceLostException($"{run}: fenced off; checkpoint of step {checkpoint.Step} not recorded");
    }
}
