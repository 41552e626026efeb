using System.Diagnostics;
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
/// One training run as an Orleans grain (<see cref="IRunGrain"/>). <see cref="Start"/> takes a slot of this silo (or,
/// while its runs are short, a place in line for the next free one), claims the run by writing its state (attempt + 1,
/// with the ETag: any older activation's next write fails) and trains it on a dedicated thread (<see cref="RunActivation"/>:
/// resume from the last checkpoint, train, report); the thread gives the slot back as soon as the training is over and
/// then concludes the run (last report, curves, end) off the slot. The thread comes back to the grain through <see cref="GrainRunFence"/> for every state change; a
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

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = RunId.Parse(this.GetPrimaryKeyString());
        _scheduler = TaskScheduler.Current;
        return Task.CompletedTask;
    }

    public async Task<RunStart> Start() => new(await Admit(), GrainContext.Address.SiloAddress!.ToParsableString(), site.QueuesRuns);

    private async Task<RunAdmission> Admit()
    {
        if (_training is not null) return RunAdmission.Training;
        if (state.State.Status is RunStatus.Completed or RunStatus.Failed)
        {
            // The run's state is written before the catalog (Callbacks.Ended): a process that died between the two left the
            // catalog saying it is unfinished, and the sweep would admit it for ever. Recording the end again is idempotent.
            await site.EndedAsync(_id, state.State.Status is RunStatus.Failed ? state.State.Failure ?? "failed" : null);
            await ForgetReminder();
            DeactivateOnIdle();
            return RunAdmission.Ended;
        }
        var admission = site.AdmitToSlot(_id);
        if (admission is RunAdmission.NoSlot)
        {
            DeactivateOnIdle();
            return RunAdmission.NoSlot;
        }
        // A run in line takes its slot on its thread, when the slot is handed to it.
        var slotTaken = admission is RunAdmission.Training ? Stopwatch.GetTimestamp() : 0;
        RunSpec spec;
        try
        {
            if (!await Claim())
            {
                // Ended by another activation since this one read the state (this one is stale: e.g. on a silo that was
                // frozen and declared dead). It takes nothing back and writes nothing: the owner recorded the end.
                site.ReleaseSlot(_id);
                DeactivateOnIdle();
                return RunAdmission.Ended;
            }
            spec = await site.SpecAsync(_id);
            await site.StartedAsync(_id);
            if (site.ReminderPeriod is { } period) await this.RegisterOrUpdateReminder(WakeReminder, period, period);
        }
        catch
        {
            // Nothing trains: the slot (or the place in line, which would be handed a slot no thread takes) goes back, and
            // the next start is a fresh activation that reads the state anew.
            site.ReleaseSlot(_id);
            DeactivateOnIdle();
            throw;
        }
        var device = site.DeviceFor(spec);
        DelayDeactivation(KeepActive);
        var training = new Training(new CancellationTokenSource(), new CancellationTokenSource(), slotTaken);
        _training = training;
        var fence = new GrainRunFence(_scheduler!, new Callbacks(this, training), training.Lost.Token);
        var fromStep = state.State.CheckpointStep ?? 0;
        var attempt = state.State.Attempt;
        // A dedicated thread on the default scheduler: training is long, synchronous and CPU-bound, and must run
        // neither on the grain scheduler nor as a long thread-pool item.
        var thread = Task.Factory.StartNew(() => Train(spec, device, attempt, fromStep, fence, training),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        training.Handled = HandleEnd(thread, training);
        site.Track(_id, training.Drain, training.Handled);
        return admission;
    }

    /// <summary>
    /// Writes the state that makes this activation the run's owner; re-reads once when another wrote since it was read.
    /// False, writing nothing, when the state read again says the run ended meanwhile: a stale activation must not set
    /// an ended run back to training.
    /// </summary>
    private async Task<bool> Claim()
    {
        for (var tries = 0; ; tries++)
        {
            if (state.State.Status is RunStatus.Completed or RunStatus.Failed) return false;
            state.State.Status = RunStatus.Training;
            state.State.Attempt++;
            try
            {
                await state.WriteStateAsync();
                return true;
            }
            catch (InconsistentStateException) when (tries == 0)
            {
                await state.ReadStateAsync();
            }
        }
    }

    /// <summary>On the grain: frees the slot (when the thread did not get to it) and tells the sweep how the activation ended.</summary>
    private async Task HandleEnd(Task<RunOutcome?> thread, Training training)
    {
        RunEnd end;
        try
        {
            var outcome = await thread;
            end = outcome switch
            {
                null => new RunEnd(_id.ToString(), RunEndKind.Stopped),
                { FenceLost: true } => new RunEnd(_id.ToString(), RunEndKind.Stopped),
                { Failure: { } failure } => new RunEnd(_id.ToString(), RunEndKind.Failed, failure),
                _ => new RunEnd(_id.ToString(), RunEndKind.Completed),
            };
            if (outcome is { FenceLost: true }) site.Warn($"{_id}: a newer activation owns the run; this one stopped without writing more");
            else if (outcome is null) await site.StoppedAsync(_id);
            if (end.Kind is not RunEndKind.Stopped) await ForgetReminder();
        }
        catch (Exception e)
        {
            LogTrainingFailed(logger, e, _id.ToString());
            end = new RunEnd(_id.ToString(), RunEndKind.Error, $"{_id}: {e.Message}");
            // Abandoned by a stop (past its grace period): the thread failed on what was torn down under it.
            if (site.WasAbandoned(_id)) return;
            site.Warn(end.Failure!);
        }
        finally
        {
            FreeSlot(training);
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

    /// <summary>
    /// Drains the thread (it checkpoints) before the activation goes; the thread's last callbacks still run here. A silo's
    /// stop drained every run before deactivating any grain (<see cref="IRunSite.Track"/>): this is for the other deactivations.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_training is not { } training) return;
        await training.Drain.CancelAsync();
        if (site.WasAbandoned(_id)) return;
        await training.Handled.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (!training.Handled.IsCompleted) site.Abandon(_id);
    }

    /// <summary>The run's silo died while it trained: resume here when a slot is free, else queue it again.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeReminder || _training is not null) return;
        // A run drained by a cancel keeps its state (Training, from its checkpoint) for a resume; its reminder must not
        // train it while the sweep is cancelled, nor a deleted sweep's. A resumed sweep admits it again, with a new reminder.
        if (state.State.Status is not RunStatus.Training || !await site.SweepActiveAsync(_id))
        {
            await ForgetReminder();
            DeactivateOnIdle();
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

    [LoggerMessage(Level = LogLevel.Error, Message = "{Run}: training stopped with an error")]
    private static partial void LogTrainingFailed(ILogger logger, Exception error, string run);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Run}: could not tell its sweep how it ended")]
    private static partial void LogSweepNotTold(ILogger logger, Exception error, string run);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Run}: could not tell its sweep that its slot is free (its end tells it)")]
    private static partial void LogTrainedNotTold(ILogger logger, Exception error, string run);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Aggregate}: computing it failed (the sweep computes it again before it completes)")]
    private static partial void LogAggregateFailed(ILogger logger, Exception error, string aggregate);
}
