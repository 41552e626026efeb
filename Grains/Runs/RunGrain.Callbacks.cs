using Orleans.Storage;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Grains.Runs;

public sealed partial class RunGrain
{
    /// <summary>What the training thread asks of the grain (through <see cref="GrainRunFence"/>, on the grain's scheduler).</summary>
    internal sealed class Callbacks(RunGrain grain, Training training)
    {
        public void Trained() => grain.TellTrained(training);

        public async Task<bool> Report(IReadOnlyList<(int Step, string Payload)> reports)
        {
            if (training.Lost.IsCancellationRequested) return false;
            var ready = await grain.Site.ReportAsync(grain._id, reports);
            foreach (var aggregate in ready) grain.ComputeLater(aggregate);
            return true;
        }

        public Task<bool> Checkpointed(int step) => grain.Write(training, s =>
        {
            s.CheckpointStep = step;
            s.CheckpointKey = grain.Site.CheckpointKey(grain._id, step);
        });

        public async Task<bool> Ended(string? failure)
        {
            if (!await grain.Write(training, s =>
                {
                    s.Status = failure is null ? RunStatus.Completed : RunStatus.Failed;
                    s.Failure = failure;
                })) return false;
            await grain.Site.EndedAsync(grain._id, failure);
            return true;
        }
    }

    /// <summary>Writes the state with its ETag; a refusal fences this activation off (the thread stops, writing nothing more).</summary>
    private async Task<bool> Write(Training training, Action<RunState> change)
    {
        if (training.Lost.IsCancellationRequested) return false;
        change(state.State);
        try
        {
            await state.WriteStateAsync();
            DelayDeactivation(KeepActive);
            return true;
        }
        catch (InconsistentStateException)
        {
            await training.Lost.CancelAsync();
            return false;
        }
    }

    /// <summary>An aggregate this run's report made ready is computed by its grain, without holding up the training thread.</summary>
    private void ComputeLater(AggregateId aggregate)
    {
        var computing = GrainFactory.GetGrain<IAggregatorGrain>(aggregate.ToString()).Compute();
        // Not told on the console: it happens when the silo stops meanwhile, and a real fault shows when the sweep computes it.
        computing.ContinueWith(t => LogAggregateFailed(logger, t.Exception!, aggregate.ToString()),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
