using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Placement;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// One training run as an Orleans grain (<see cref="IRunGrain"/>). <see cref="Start"/> takes a slot of this silo,
/// claims the run by writing its state (attempt + 1, with the ETag: any older activation's next write fails) and
/// trains it on a dedicated thread (<see cref="RunActivation"/>: resume from the last checkpoint, train, report,
/// conclude). The thread comes back to the grain through <see cref="GrainRunFence"/> for every state change; a
/// refused write (<see cref="InconsistentStateException"/>: a newer activation owns the run) cancels it and it stops
/// writing. The grain stays active while it trains and drains the thread when deactivated (the run checkpoints).
/// </summary>
[SlotPlacement]
[Immovable]
public sealed partial class RunGrain(
    [PersistentState("run", RunGrain.StorageName)] IPersistentState<RunState> state,
    IRunSite site,
    ILogger<RunGrain> logger) : Grain, IRunGrain, IRemindable
{
    /// <summary>The grain storage provider that holds run states.</summary>
    public const string StorageName = "runs";

    private const string WakeReminder = "wake";

    /// <summary>Longer than any run: the grain is kept active while its thread trains (DeactivateOnIdle ends it).</summary>
    private static readonly TimeSpan KeepActive = TimeSpan.FromDays(30);

    private IRunSite Site => site;

    private RunId _id;
    private TaskScheduler? _scheduler;
    private Training? _training;

    /// <summary>The deactivation stopped waiting for the thread (past the grace period): what it does now is not reported.</summary>
    private bool _abandoned;

    /// <summary>The thread's activation: its drain and fencing tokens and the task that ends when its end is handled.</summary>
    internal sealed class Training(CancellationTokenSource drain, CancellationTokenSource lost)
    {
        public CancellationTokenSource Drain { get; } = drain;

        public CancellationTokenSource Lost { get; } = lost;

        public Task Handled { get; set; } = Task.CompletedTask;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = RunId.Parse(this.GetPrimaryKeyString());
        _scheduler = TaskScheduler.Current;
        return Task.CompletedTask;
    }

    public async Task<RunStart> Start() => new(await Admit(), GrainContext.Address.SiloAddress!.ToParsableString());

    private async Task<RunAdmission> Admit()
    {
        if (_training is not null) return RunAdmission.Training;
        if (state.State.Status is RunStatus.Completed or RunStatus.Failed)
        {
            await ForgetReminder();
            DeactivateOnIdle();
            return RunAdmission.Ended;
        }
        if (!site.TryTakeSlot(_id))
        {
            DeactivateOnIdle();
            return RunAdmission.NoSlot;
        }
        RunSpec spec;
        try
        {
            await Claim();
            spec = await site.SpecAsync(_id);
            await site.StartedAsync(_id);
            if (site.ReminderPeriod is { } period) await this.RegisterOrUpdateReminder(WakeReminder, period, period);
        }
        catch
        {
            // Nothing trains: the slot goes back, and the next start is a fresh activation that reads the state anew.
            site.ReleaseSlot(_id);
            DeactivateOnIdle();
            throw;
        }
        var device = site.DeviceFor(spec);
        DelayDeactivation(KeepActive);
        var training = new Training(new CancellationTokenSource(), new CancellationTokenSource());
        _training = training;
        var fence = new GrainRunFence(_scheduler!, new Callbacks(this, training), training.Lost.Token);
        var fromStep = state.State.CheckpointStep ?? 0;
        var attempt = state.State.Attempt;
        // A dedicated thread on the default scheduler: training is long, synchronous and CPU-bound, and must run
        // neither on the grain scheduler nor as a long thread-pool item.
        var thread = Task.Factory.StartNew(() => Train(spec, device, attempt, fromStep, fence, training.Drain.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        training.Handled = HandleEnd(thread, training);
        return RunAdmission.Training;
    }

    /// <summary>Writes the state that makes this activation the run's owner; re-reads once when another wrote since it was read.</summary>
    private async Task Claim()
    {
        for (var tries = 0; ; tries++)
        {
            state.State.Status = RunStatus.Training;
            state.State.Attempt++;
            try
            {
                await state.WriteStateAsync();
                return;
            }
            catch (InconsistentStateException) when (tries == 0)
            {
                await state.ReadStateAsync();
            }
        }
    }

    /// <summary>On the training thread: the whole activation; null when drained.</summary>
    private RunOutcome? Train(RunSpec spec, string device, int attempt, int fromStep, GrainRunFence fence, CancellationToken drain)
    {
        var activation = new RunActivation(_id, spec, device, site.Store(_id), fence)
        {
            Progress = step => site.Events.StepDone(_id, step),
            CheckpointMinInterval = site.CheckpointMinInterval,
            FirstActivation = attempt == 1,
            Warn = site.Warn,
        };
        using var training = site.Training(_id, attempt, fromStep, device);
        site.Events.RunStarted(_id, spec.Training.Steps, fromStep);
        using var data = site.AcquireData(_id, spec, device);
        try
        {
            var outcome = activation.Activate(data.Plan, data.Test, drain);
            // Told on this thread, inside the run's trace span, which the outcome is recorded on.
            if (!outcome.LeaseLost) site.Events.RunFinished(_id, outcome);
            return outcome;
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>On the grain: frees the slot and tells the sweep how the activation ended.</summary>
    private async Task HandleEnd(Task<RunOutcome?> thread, Training training)
    {
        RunEnd end;
        try
        {
            var outcome = await thread;
            end = outcome switch
            {
                null => new RunEnd(_id.ToString(), RunEndKind.Stopped),
                { LeaseLost: true } => new RunEnd(_id.ToString(), RunEndKind.Stopped),
                { Failure: { } failure } => new RunEnd(_id.ToString(), RunEndKind.Failed, failure),
                _ => new RunEnd(_id.ToString(), RunEndKind.Completed),
            };
            if (outcome is { LeaseLost: true }) site.Warn($"{_id}: a newer activation owns the run; this one stopped without writing more");
            else if (outcome is null) await site.StoppedAsync(_id);
            if (end.Kind is not RunEndKind.Stopped) await ForgetReminder();
        }
        catch (Exception e)
        {
            LogTrainingFailed(logger, e, _id.ToString());
            end = new RunEnd(_id.ToString(), RunEndKind.Error, $"{_id}: {e.Message}");
            if (_abandoned) return;
            site.Warn(end.Failure!);
        }
        finally
        {
            site.ReleaseSlot(_id);
            _training = null;
            training.Drain.Dispose();
            training.Lost.Dispose();
        }
        DeactivateOnIdle();
        try
        {
            await GrainFactory.GetGrain<ISweepGrain>(_id.Sweep).RunEnded(end);
        }
        catch (Exception e)
        {
            // The sweep finds the run's end in the catalog when it next looks (a lost message changes no result).
            LogSweepNotTold(logger, e, _id.ToString());
        }
    }

    public Task Drain()
    {
        _training?.Drain.Cancel();
        return Task.CompletedTask;
    }

    /// <summary>Drains the thread (it checkpoints) before the activation goes; the thread's last callbacks still run here.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_training is not { } training) return;
        await training.Drain.CancelAsync();
        await training.Handled.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        _abandoned = !training.Handled.IsCompleted;
        if (_abandoned) site.Abandoned(_id);
    }

    /// <summary>The run's silo died while it trained: resume here when a slot is free, else queue it again.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeReminder || _training is not null) return;
        if (state.State.Status is not RunStatus.Training)
        {
            await ForgetReminder();
            return;
        }
        if (await Admit() == RunAdmission.NoSlot)
            await GrainFactory.GetGrain<ISweepGrain>(_id.Sweep).RunEnded(new RunEnd(_id.ToString(), RunEndKind.Stopped));
    }

    private async Task ForgetReminder()
    {
        if (site.ReminderPeriod is null) return;
        if (await this.GetReminder(WakeReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    /// <summary>What the training thread asks of the grain (through <see cref="GrainRunFence"/>, on the grain's scheduler).</summary>
    internal sealed class Callbacks(RunGrain grain, Training training)
    {
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

    [LoggerMessage(Level = LogLevel.Error, Message = "{Run}: training stopped with an error")]
    private static partial void LogTrainingFailed(ILogger logger, Exception error, string run);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Run}: could not tell its sweep how it ended")]
    private static partial void LogSweepNotTold(ILogger logger, Exception error, string run);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Aggregate}: computing it failed (the sweep computes it again before it completes)")]
    private static partial void LogAggregateFailed(ILogger logger, Exception error, string aggregate);
}
