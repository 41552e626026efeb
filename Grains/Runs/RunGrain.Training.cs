using System.Diagnostics;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Grains.Runs;

public sealed partial class RunGrain
{
    /// <summary>The thread's activation: its drain and fencing tokens, its times, and the task that ends when its end is handled.</summary>
    internal sealed class Training(CancellationTokenSource drain, CancellationTokenSource lost, long slotTaken)
    {
        private int _slotFreed;

        public CancellationTokenSource Drain { get; } = drain;

        public CancellationTokenSource Lost { get; } = lost;

        /// <summary>When the slot was taken (<see cref="Stopwatch.GetTimestamp"/>); 0 while the run waits in line for it.</summary>
        public long SlotTaken { get; set; } = slotTaken;

        /// <summary>Set by the thread when its training is over (<see cref="RunActivation.EngineTime"/>), read on the grain after.</summary>
        public TimeSpan EngineTime { get; set; }

        public Task Handled { get; set; } = Task.CompletedTask;

        /// <summary>True the first time only: the slot is given back once, by the thread or else by the grain.</summary>
        public bool FreeingSlot() => Interlocked.Exchange(ref _slotFreed, 1) == 0;
    }

    /// <summary>
    /// On the training thread: the whole activation; null when drained. A run admitted in line first waits for its slot.
    /// Only the training needs the slot and the point's data: once it is over, the thread gives the slot back (to the run
    /// in line, if any) and the grain tells the sweep, which admits the next run, while this thread concludes the run (its
    /// last report, stats, curves and end, fenced as before). So a slot trains and never waits for the stores.
    /// </summary>
    private RunOutcome? Train(RunSpec spec, string device, int attempt, int fromStep, GrainRunFence fence, Training training)
    {
        if (training.SlotTaken == 0)
        {
            if (!site.WaitForSlot(_id, training.Drain.Token)) return null;
            training.SlotTaken = Stopwatch.GetTimestamp();
            // Drained while it waited: nothing trained, nothing to checkpoint.
            if (training.Drain.IsCancellationRequested) return null;
        }
        var activation = new RunActivation(_id, spec, device, site.Store(_id), fence)
        {
            Progress = step => site.Events.StepDone(_id, step),
            CheckpointMinInterval = site.CheckpointMinInterval,
            FirstActivation = attempt == 1,
            Warn = site.Warn,
        };
        using var traced = site.Training(_id, attempt, fromStep, device);
        site.Events.RunStarted(_id, spec.Training.Steps, fromStep);
        RunConclusion conclusion;
        try
        {
            using var data = site.AcquireData(_id, spec, device);
            conclusion = activation.Train(data.Plan, data.Test, training.Drain.Token);
        }
        catch (OperationCanceledException) when (training.Drain.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            training.EngineTime = activation.EngineTime;
        }
        site.Events.RunTrained(_id);
        FreeSlot(training);
        fence.Trained();
        var outcome = conclusion.Conclude();
        // Told on this thread, inside the run's trace span, which the outcome is recorded on.
        if (!outcome.FenceLost) site.Events.RunFinished(_id, outcome);
        return outcome;
    }

    /// <summary>Gives the slot back once per activation and counts its times (<see cref="IRunSite.Trained"/>); from the thread or the grain.</summary>
    private void FreeSlot(Training training)
    {
        if (!training.FreeingSlot()) return;
        if (training.SlotTaken != 0) site.Trained(_id, training.EngineTime, Stopwatch.GetElapsedTime(training.SlotTaken));
        site.ReleaseSlot(_id);
    }

    /// <summary>On the grain, when the thread's training is over (its slot is free): the sweep may admit the next run at once.</summary>
    private void TellTrained(Training training)
    {
        if (training.Lost.IsCancellationRequested) return;
        var telling = GrainFactory.GetGrain<ISweepGrain>(_id.Sweep).RunTrained(_id.ToString());
        // Not awaited: the grain goes on serving the thread's reports. A lost message only delays the next admission to the run's end.
        telling.ContinueWith(t => LogTrainedNotTold(logger, t.Exception!, _id.ToString()),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
