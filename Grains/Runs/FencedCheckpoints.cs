using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// The run's checkpoint store seen through its lease: a save is refused once the lease is known lost
/// (no stale checkpoint overwrites the new holder's), and each durable checkpoint is then recorded in the
/// ledger and its finished rows reported, so reports never run ahead of what a resume can reproduce.
/// </summary>
internal sealed class FencedCheckpoints(ICheckpointStore inner, IRunLease lease, StepReporter reporter, string run) : ICheckpointStore
{
    public Checkpoint? LoadLatest() => inner.LoadLatest();

    public void Save(Checkpoint checkpoint)
    {
        if (lease.Lost.IsCancellationRequested) throw new LeaseLostException($"{run}: lease lost; checkpoint of step {checkpoint.Step} not written");
        inner.Save(checkpoint);
        if (!lease.RecordCheckpoint(checkpoint.Step)) throw new LeaseLostException($"{run}: lease lost; checkpoint of step {checkpoint.Step} not recorded");
        reporter.Report(CurveRow.WithStats(checkpoint.Rows, checkpoint.Stats));
    }
}
