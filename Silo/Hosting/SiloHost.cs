using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// A silo (DESIGN.md, "Actors"): it claims runs from the ledger up to its free slots (the replicates of a point
/// preferring this silo; short runs one ahead per slot) and aggregates up to its aggregator threads, activates
/// their grains on those threads (a run's conclusion on its slot's conclusion thread: docs/spec.md,
/// "Pipelining"), renews their leases and its heartbeat, and on cancellation drains: every run checkpoints,
/// every lease goes back. Interrupted runs are resumed by whichever silo claims them next, from their last checkpoint.
/// </summary>
public sealed partial class SiloHost(ILedger ledger, IBlobStore blobs, SiloOptions options, Action<string>? warn = null) : IDisposable
{
    private readonly ConcurrentDictionary<LeaseResource, ActiveWork> _active = new();
    private readonly ConcurrentDictionary<string, SweepSpec> _specs = new();
    private readonly BlockingCollection<ActiveWork> _runQueue = [];
    private readonly BlockingCollection<ActiveWork> _aggregateQueue = [];
    private readonly SemaphoreSlim _changed = new(0);
    private readonly PointDataCache _data = new(options.Slots);
    private readonly List<(Thread Trainer, ConclusionQueue Conclusions)> _slots = [];
    private readonly List<Thread> _aggregators = [];
    private readonly RecentRunTimes _runTimes = new();
    private int _runsOnSlots;
    private long _slotTicks;
    private long _engineTicks;
    private int _aggregatesInHand;
    private int _aggregatesMayBeReady = 1;
    private long _aggregatesLookedAt;
    private ExceptionDispatchInfo? _fatal;
    private readonly SiloTelemetry _telemetry = new(options.SiloId, options.Device, blobs);
    private IReadOnlyList<string>? _abandoned;

    public ISweepObserver? Observer { get; init; }

    /// <summary>Liveness and readiness for health endpoints (pass one in to watch it from outside).</summary>
    public SiloHealth Health { get; init; } = new();

    public string SiloId => options.SiloId;

    /// <summary>Time its slots spent on runs so far, summed over slots (from taking a run to handing its conclusion on).</summary>
    public TimeSpan SlotTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _slotTicks));

    /// <summary>Of <see cref="SlotTime"/>, the time the engine trained (<see cref="RunActivation.EngineTime"/>, summed over runs).</summary>
    public TimeSpan EngineTime => TimeSpan.FromTicks(Interlocked.Read(ref _engineTicks));

    /// <summary>
    /// Works until <paramref name="sweep"/> has finished (every run ended, every ready aggregate computed) or
    /// was cancelled, and returns its progress then. On <paramref name="cancel"/>, drains and throws
    /// <see cref="OperationCanceledException"/>; a storage or engine failure drains and is rethrown.
    /// </summary>
    public async Task<SweepProgress> RunUntilFinishedAsync(string sweep, CancellationToken cancel)
    {
        var grain = new SweepCatalog(sweep, new LedgerSweepStore(ledger, blobs));
        _telemetry.Watch(sweep);
        SweepProgress? ended = null;
        await WorkAsync(() =>
        {
            if (!_active.IsEmpty || grain.Progress() is not { } progress || !(progress.Finished || progress.Cancelled)) return false;
            ended = progress;
            return true;
        }, cancel).ConfigureAwait(false);
        return ended!;
    }

    /// <summary>
    /// Works on every active sweep of the ledger (a cluster silo, <c>sweeps silo</c>) until
    /// <paramref name="cancel"/>, then drains and throws <see cref="OperationCanceledException"/>; a storage or
    /// engine failure drains and is rethrown. It also expires silos silent for <see cref="SiloOptions.SiloSilence"/>,
    /// so the work of a dead silo goes back to the queue without waiting for each lease to run out.
    /// </summary>
    public Task ServeAsync(CancellationToken cancel) => WorkAsync(() => false, cancel);

    private async Task WorkAsync(Func<bool> finished, CancellationToken cancel)
    {
        await ledger.HeartbeatAsync(options.SiloId, options.Slots, CancellationToken.None).ConfigureAwait(false);
        Health.LedgerAnswered();
        StartSlots();
        using var stopRenewal = new CancellationTokenSource();
        var renewal = Task.Run(() => RenewLoopAsync(stopRenewal.Token), CancellationToken.None);
        try
        {
            while (!cancel.IsCancellationRequested && _fatal is null)
            {
                Health.Ticked();
                await ClaimAsync().ConfigureAwait(false);
                if (finished()) return;
                try
                {
                    await _changed.WaitAsync(options.IdlePoll, cancel).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            await DrainAsync().ConfigureAwait(false);
            await stopRenewal.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
            await _telemetry.RecordSweepStatesAsync(ledger).ConfigureAwait(false);
            await LeaveAsync().ConfigureAwait(false);
        }
        _fatal?.Throw();
        if (_abandoned is { } abandoned) throw new DrainTimeoutException(options.DrainTimeout, abandoned);
        cancel.ThrowIfCancellationRequested();
        throw new InvalidOperationException("silo loop ended without a reason");
    }

    /// <summary>
    /// Claims aggregates up to the free aggregator threads (first: they unblock results), then runs up to the free
    /// slots and those claimed ahead (<see cref="ClaimAhead"/>). Runs being concluded hold their lease but not their slot.
    /// </summary>
    private async Task ClaimAsync()
    {
        var lanes = options.Aggregators - Volatile.Read(ref _aggregatesInHand);
        if (lanes > 0 && LookForAggregates())
        {
            foreach (var claim in await ledger.ClaimAggregatesAsync(options.SiloId, lanes, options.LeaseDuration).ConfigureAwait(false))
                Enqueue(ActiveWork.For(claim), _aggregateQueue, ref _aggregatesInHand);
        }
        var free = options.Slots + ClaimAhead() - Volatile.Read(ref _runsOnSlots);
        if (free <= 0) return;
        foreach (var claim in await ledger.ClaimRunsAsync(options.SiloId, free, options.LeaseDuration, options.Serves).ConfigureAwait(false))
            Enqueue(ActiveWork.For(claim), _runQueue, ref _runsOnSlots);
    }

    /// <summary>
    /// Whether to ask the ledger for ready aggregates now: when this silo may have readied one (a run concluded, with
    /// its last reports) or finished one (more may wait), else at most every <see cref="SiloOptions.IdlePoll"/> (other
    /// silos' reports, and reports made at checkpoints). The loop wakes on every run a slot hands on; asking each
    /// time doubled the ledger's claim load for nothing.
    /// </summary>
    private bool LookForAggregates()
    {
        var now = Stopwatch.GetTimestamp();
        if (Interlocked.Exchange(ref _aggregatesMayBeReady, 0) == 0 && Stopwatch.GetElapsedTime(_aggregatesLookedAt, now) < options.IdlePoll) return false;
        _aggregatesLookedAt = now;
        return true;
    }

    /// <summary>Runs claimed beyond the slots, queued for the next slot that frees: one per slot while runs are short (<see cref="SiloOptions.ClaimAheadBelow"/>).</summary>
    private int ClaimAhead() => _runTimes.ShorterThan(options.ClaimAheadBelow) ? options.Slots : 0;

    private void Enqueue(ActiveWork work, BlockingCollection<ActiveWork> queue, ref int count)
    {
        _active[work.Lease.Resource] = work;
        Interlocked.Increment(ref count);
        queue.Add(work);
    }

    /// <summary>
    /// Stops all work with a checkpoint and waits until every lease is given back, at most
    /// <see cref="SiloOptions.DrainTimeout"/> (then <see cref="AbandonAsync"/>).
    /// </summary>
    private async Task DrainAsync()
    {
        Health.StartedDraining();
        foreach (var work in _active.Values) await work.Drain.CancelAsync().ConfigureAwait(false);
        var deadline = DrainDeadline();
        while (!_active.IsEmpty)
        {
            Health.Ticked();
            if (deadline.Left() is not { } left)
            {
                await AbandonAsync().ConfigureAwait(false);
                return;
            }
            await _changed.WaitAsync(left < options.IdlePoll ? left : options.IdlePoll).ConfigureAwait(false);
        }
    }

    private async Task RenewLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.RenewEvery, stop).ConfigureAwait(false);
                await ledger.HeartbeatAsync(options.SiloId, options.Slots, stop).ConfigureAwait(false);
                Health.LedgerAnswered();
                _telemetry.RecordSlots(options.Slots);
                if (options.SiloSilence is { } silence) await ledger.ExpireSilentSilosAsync(silence, stop).ConfigureAwait(false);
                foreach (var work in _active.Values)
                {
                    switch (await ledger.RenewAsync(work.Lease, options.LeaseDuration, stop).ConfigureAwait(false))
                    {
                        case RenewalOutcome.Lost:
                            await work.Lost.CancelAsync().ConfigureAwait(false);
                            break;
                        case RenewalOutcome.SweepCancelled:
                            await work.Drain.CancelAsync().ConfigureAwait(false);
                            break;
                    }
                }
                await _telemetry.RecordSweepStatesAsync(ledger, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                Fatal(e);
            }
        }
    }

    /// <summary>
    /// Marks this silo expired in the ledger (its leases were given back by the drain); a ledger that cannot be
    /// written is warned about. Not after a failure: the store that failed is likely down, and silence expires the silo.
    /// </summary>
    private async Task LeaveAsync()
    {
        if (_fatal is not null) return;
        try
        {
            await ledger.LeaveAsync(options.SiloId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            warn?.Invoke($"could not mark silo {options.SiloId} as gone ({e.Message}); it shows as alive until it has been silent for a while");
        }
    }

    private void Fatal(Exception e)
    {
        Interlocked.CompareExchange(ref _fatal, ExceptionDispatchInfo.Capture(e), null);
        _changed.Release();
    }

    public void Dispose()
    {
        _runQueue.CompleteAdding();
        _aggregateQueue.CompleteAdding();
        // Abandoned slot threads may still be inside an update: leave them (and what they use) to the process exit.
        if (_abandoned is not null) return;
        foreach (var (trainer, _) in _slots) trainer.Join();
        foreach (var (_, conclusions) in _slots) conclusions.Finish();
        foreach (var aggregator in _aggregators) aggregator.Join();
        _data.Dispose();
        _runQueue.Dispose();
        _aggregateQueue.Dispose();
        _changed.Dispose();
    }
}
