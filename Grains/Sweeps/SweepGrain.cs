using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Placement;

namespace OrleansSweeps.Grains.Sweeps;

/// <summary>
/// A sweep as an Orleans grain (<see cref="ISweepGrain"/>). Its queue is the catalog's unfinished runs; it admits them
/// while the silos serving their device have free slots (asking each run's grain to start, which lands on such a
/// silo), re-admits runs that stopped without ending, and every <see cref="ISweepSite.Tick"/> asks its training runs
/// to start again: a run whose silo died is activated anew and resumes from its checkpoint. When every run ended it
/// has the pending aggregates computed and writes the results table. It keeps no grain state: the catalog is durable,
/// so an activation on any silo rebuilds the queue from it.
/// </summary>
public sealed partial class SweepGrain(ISweepSite site, ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string WakeReminder = "wake";

    private readonly LinkedList<RunId> _queue = [];
    private readonly Dictionary<RunId, Placed> _training = [];

    /// <summary>Runs whose training is over (their slot is free) and whose end is not told yet.</summary>
    private readonly Dictionary<RunId, Placed> _concluding = [];

    /// <summary>Silos that let runs wait for their slots, as their last answer said (<see cref="RunStart.Queues"/>).</summary>
    private readonly Dictionary<string, bool> _queues = [];
    private string _id = "";
    private SweepSpec? _spec;
    private SweepPhase _phase = SweepPhase.Running;
    private string? _error;
    private IGrainTimer? _timer;
    private bool _admitting;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = this.GetPrimaryKeyString();
        return Task.CompletedTask;
    }

    public async Task<SweepView> Drive()
    {
        if (_phase is SweepPhase.Cancelled or SweepPhase.Failed) _spec = null; // driven again: start over from the catalog
        await EnsureLoaded();
        await Advance();
        return View(true);
    }

    public Task<SweepView> View() => Task.FromResult(View(true));

    public async Task RunTrained(string run)
    {
        await EnsureLoaded();
        var id = RunId.Parse(run);
        // Only a run that trains here moves: a late message (after the run's end, or after it was admitted again) changes nothing.
        if (!_training.Remove(id, out var placed)) return;
        _concluding[id] = placed;
        await Advance();
    }

    public async Task RunEnded(RunEnd end)
    {
        await EnsureLoaded();
        var run = RunId.Parse(end.Run);
        _training.Remove(run);
        _concluding.Remove(run);
        switch (end.Kind)
        {
            case RunEndKind.Error when site.ReminderPeriod is null:
                Fail(end.Failure ?? $"{run}: stopped with an error");
                return;
            case RunEndKind.Error:
                // A cluster outlives store outages: the run is admitted again (from its checkpoint) at the next tick.
                LogRunError(logger, run.ToString(), end.Failure ?? "");
                if (_phase is SweepPhase.Running && !_queue.Contains(run)) _queue.AddLast(run);
                return;
            case RunEndKind.Stopped when _phase is SweepPhase.Running && !_queue.Contains(run):
                _queue.AddFirst(run);
                break;
        }
        await Advance();
    }

    /// <summary>
    /// An activation (a first call, a silo that died, a sweep driven again) reads the spec and the catalog: the queue is
    /// every unfinished run (those still training elsewhere answer Training when admitted again, and are counted where
    /// they are). A running sweep ticks, and in a cluster keeps a reminder, so an activation lost with its silo returns.
    /// </summary>
    private async Task EnsureLoaded()
    {
        if (_spec is not null || _phase is SweepPhase.Finished) return;
        _spec = await site.SpecAsync(_id);
        _error = null;
        if (await site.IsCancelledAsync(_id))
        {
            SetPhase(SweepPhase.Cancelled);
            return;
        }
        await Requeue();
        SetPhase(SweepPhase.Running);
        _timer ??= this.RegisterGrainTimer(Tick, site.Tick, site.Tick);
        if (site.ReminderPeriod is { } period) await this.RegisterOrUpdateReminder(WakeReminder, period, period);
    }

    /// <summary>The reminder brings the grain back (its activation loads and ticks), and drives again a sweep an error stopped.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (_phase is SweepPhase.Failed) await Drive();
        else await EnsureLoaded();
    }

    public async Task Cancel()
    {
        await site.CancelAsync(_id);
        _queue.Clear();
        foreach (var run in _training.Keys) await GrainFactory.GetGrain<IRunGrain>(run.ToString()).Drain();
        await Stop(SweepPhase.Cancelled);
    }

    /// <summary>The queue is every unfinished run not training now (the catalog's view, in point and replicate order).</summary>
    private async Task Requeue()
    {
        _queue.Clear();
        foreach (var run in await site.UnfinishedRunsAsync(_id))
            if (!_training.ContainsKey(run) && !_concluding.ContainsKey(run)) _queue.AddLast(run);
    }

    private async Task Tick(CancellationToken cancel)
    {
        if (_phase is not SweepPhase.Running) return;
        try
        {
            if (_spec is null) return;
            if (await site.IsCancelledAsync(_id))
            {
                await Cancel();
                return;
            }
            foreach (var (run, placed) in _training.Concat(_concluding).ToArray())
            {
                // A run whose silo died is queued again (admitted anew, on a live silo, it resumes from its checkpoint);
                // the others are asked to start, which changes nothing for a run that trains or concludes and tells of one that ended.
                if (!site.Silos(placed.Kind).ContainsKey(placed.Silo))
                {
                    _training.Remove(run);
                    _concluding.Remove(run);
                    _queue.AddFirst(run);
                }
                else await Admit(run, placed.Kind, placed.Silo);
            }
            await Advance();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Embedded, a store that fails ends the sweep with its error; a cluster tries again at the next tick.
            if (site.ReminderPeriod is null) Fail($"sweep {_id}: {e.Message}");
            else LogTickFailed(logger, e, _id);
        }
    }

    /// <summary>
    /// Admits what the silos take, then finishes the sweep when nothing is left to train. The admissions of a round go out
    /// together, each to a silo with room as this grain counts it (those in flight included), so a cluster's slots fill in
    /// one round trip rather than one run after another; a silo that answers NoSlot is not asked again in this call.
    /// </summary>
    private async Task Advance()
    {
        if (_admitting || _phase is not SweepPhase.Running) return;
        _admitting = true;
        try
        {
            var busy = new HashSet<string>();
            while (NextAdmissions(busy) is { Count: > 0 } round)
            {
                var admitted = await Task.WhenAll(round.Select(a => Admit(a.Node.Value, a.Kind, a.Silo)));
                for (var i = 0; i < round.Count; i++)
                {
                    if (admitted[i]) _queue.Remove(round[i].Node);
                    else busy.Add(round[i].Silo);
                }
            }
            if (_queue.Count == 0 && _training.Count == 0 && _concluding.Count == 0) await Finish();
        }
        finally
        {
            _admitting = false;
        }
    }

    /// <summary>Queued runs, in queue order, each with a silo that has room for it once the runs before it are placed (<see cref="AdmissionRound"/>).</summary>
    private List<(LinkedListNode<RunId> Node, string Kind, string Silo)> NextAdmissions(HashSet<string> busy)
    {
        var round = new List<(LinkedListNode<RunId> Node, string Kind, string Silo)>();
        var placing = new AdmissionRound(_training.Select(t => (t.Key.Point, t.Value.Silo)), _queues, busy);
        var silos = new Dictionary<string, IReadOnlyDictionary<string, int>>();
        var full = new HashSet<string>();
        for (var node = _queue.First; node is not null; node = node.Next)
        {
            var kind = KindOf(node.Value);
            if (full.Contains(kind)) continue;
            if (!silos.TryGetValue(kind, out var ofKind)) silos[kind] = ofKind = site.Silos(kind);
            if (placing.Place(node.Value.Point, ofKind) is { } silo) round.Add((node, kind, silo));
            else full.Add(kind);
        }
        return round;
    }

    /// <summary>Asks the run's grain to start on <paramref name="silo"/> (placement's hint), or to wait there for a slot; false when that silo had no room.</summary>
    private async Task<bool> Admit(RunId run, string kind, string silo)
    {
        RequestContext.Set(SlotMetadata.RunDevice, kind);
        RequestContext.Set(SlotMetadata.SiloHint, silo);
        try
        {
            var started = await GrainFactory.GetGrain<IRunGrain>(run.ToString()).Start();
            _queues[started.Silo] = started.Queues;
            _training.Remove(run);
            var concluding = _concluding.Remove(run);
            if (started.Admission is RunAdmission.Training or RunAdmission.Queued) (concluding ? _concluding : _training)[run] = new Placed(kind, started.Silo);
            return started.Admission is not RunAdmission.NoSlot;
        }
        finally
        {
            RequestContext.Remove(SlotMetadata.RunDevice);
            RequestContext.Remove(SlotMetadata.SiloHint);
        }
    }

    /// <summary>Where a training run's grain lives, and the device kind it needs.</summary>
    private sealed record Placed(string Kind, string Silo);

    /// <summary>Every run ended: compute what aggregates are left (a lost trigger, a crash), then write the results.</summary>
    private async Task Finish()
    {
        var unfinished = await site.UnfinishedRunsAsync(_id);
        if (unfinished.Count > 0)
        {
            // Ended in this grain's view but not in the catalog (e.g. a run that stopped while its end was in flight).
            foreach (var run in unfinished) _queue.AddLast(run);
            return;
        }
        foreach (var aggregate in await site.PendingAggregatesAsync(_id))
            if (!await GrainFactory.GetGrain<IAggregatorGrain>(aggregate.ToString()).Compute())
                throw new InvalidOperationException($"{aggregate}: its runs all ended but not all its reports are in");
        await site.FinishAsync(_id, _spec!);
        await Stop(SweepPhase.Finished);
        LogFinished(logger, _id);
    }

    private string KindOf(RunId run) => SlotMetadata.KindOf(_spec!.Points[run.Point].Spec.Device);

    private void Fail(string error)
    {
        _error = error;
        _queue.Clear();
        _timer?.Dispose();
        _timer = null;
        // The reminder stays: a failed sweep (a store that was down) is driven again when it fires.
        SetPhase(SweepPhase.Failed);
    }

    private async Task Stop(SweepPhase phase)
    {
        _timer?.Dispose();
        _timer = null;
        if (site.ReminderPeriod is not null && await this.GetReminder(WakeReminder) is { } reminder) await this.UnregisterReminder(reminder);
        SetPhase(phase);
    }

    private void SetPhase(SweepPhase phase)
    {
        var changed = phase != _phase || phase is not SweepPhase.Running;
        _phase = phase;
        if (changed) site.PhaseChanged(_id, View(true));
    }

    private SweepView View(bool _) => new(_phase, _queue.Count, _training.Count + _concluding.Count, _error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Run}: stopped with an error, admitted again: {Error}")]
    private static partial void LogRunError(ILogger logger, string run, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sweep {Sweep}: a tick failed; the next one tries again")]
    private static partial void LogTickFailed(ILogger logger, Exception error, string sweep);

    [LoggerMessage(Level = LogLevel.Information, Message = "sweep {Sweep}: every run and aggregate is done; results written")]
    private static partial void LogFinished(ILogger logger, string sweep);
}
