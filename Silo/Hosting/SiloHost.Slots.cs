using System.Diagnostics;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Silo.Hosting;

public sealed partial class SiloHost
{
    /// <summary>
    /// One thread per slot: training is long, CPU-bound, synchronous work that must not starve the thread pool.
    /// Each slot has a second thread that concludes its runs (<see cref="ConclusionQueue"/>). Aggregates have
    /// threads of their own (<see cref="SiloOptions.Aggregators"/>): a slot (a GPU, say) never waits on a reduction.
    /// </summary>
    private void StartSlots()
    {
        if (_slots.Count > 0) return;
        for (var i = 0; i < options.Slots; i++)
        {
            var conclusions = new ConclusionQueue($"slot {i} conclusions");
            var thread = new Thread(() => SlotLoop(conclusions)) { IsBackground = true, Name = $"slot {i}" };
            _slots.Add((thread, conclusions));
            thread.Start();
        }
        for (var i = 0; i < options.Aggregators; i++)
        {
            var thread = new Thread(AggregatorLoop) { IsBackground = true, Name = $"aggregator {i}" };
            _aggregators.Add(thread);
            thread.Start();
        }
        _telemetry.RecordSlots(options.Slots);
    }

    private void SlotLoop(ConclusionQueue conclusions)
    {
        foreach (var work in _runQueue.GetConsumingEnumerable())
        {
            var started = Stopwatch.GetTimestamp();
            var concluding = false;
            using var busy = _telemetry.SlotBusy();
            try
            {
                if (work.Drain.IsCancellationRequested || _fatal is not null) Release(work);
                else concluding = Train(work, work.Run!, conclusions);
            }
            catch (Exception e)
            {
                _telemetry.Runs.RunStopped(work.Run!.Run, "error");
                TryRelease(work);
                Fatal(e);
            }
            finally
            {
                Interlocked.Add(ref _slotTicks, Stopwatch.GetTimestamp() - started);
                Interlocked.Decrement(ref _runsOnSlots);
                // A run being concluded keeps its lease (and its place in _active) until its conclusion ends.
                if (!concluding) _active.TryRemove(work.Lease.Resource, out _);
                _changed.Release();
            }
        }
    }

    private void AggregatorLoop()
    {
        foreach (var work in _aggregateQueue.GetConsumingEnumerable())
        {
            try
            {
                if (work.Drain.IsCancellationRequested || _fatal is not null) Release(work);
                else Execute(work, work.Aggregate!);
            }
            catch (Exception e)
            {
                TryRelease(work);
                Fatal(e);
            }
            finally
            {
                Interlocked.Decrement(ref _aggregatesInHand);
                _active.TryRemove(work.Lease.Resource, out _);
                Volatile.Write(ref _aggregatesMayBeReady, 1);
                _changed.Release();
            }
        }
    }

    /// <summary>Trains the run on this slot and queues its conclusion; false when it ended here (drained).</summary>
    private bool Train(ActiveWork work, RunClaim claim, ConclusionQueue conclusions)
    {
        var id = claim.Run;
        var spec = SpecOf(id.Sweep).Points[id.Point].Spec;
        var device = options.Device ?? spec.Device;
        var span = _telemetry.StartRun(claim, device);
        try
        {
            var events = CompositeObserver.Of(_telemetry.Runs, Observer);
            var grain = new RunActivation(id, spec, device, new BlobRunStore(blobs, id, warn), new LedgerRunLease(ledger, claim.Lease, work.Lost.Token))
            {
                Progress = step => events.StepDone(id, step),
                CheckpointMinInterval = options.CheckpointMinInterval,
                FirstActivation = claim.Attempt == 1,
                Warn = warn,
            };
            events.RunStarted(id, spec.Training.Steps, claim.CheckpointStep ?? 0);
            if (TrainOnSlot(work, grain, spec, device) is not { } conclusion)
            {
                span?.Dispose();
                return false;
            }
            // The activation span goes on in the conclusion; the slot's next run starts a root span of its own.
            Activity.Current = null;
            conclusions.Add(() => Conclude(work, conclusion, events, span));
            return true;
        }
        catch
        {
            span?.Dispose();
            throw;
        }
    }

    /// <summary>The grain's slot part, timed for <see cref="ClaimAhead"/>; null when drained (the lease is given back).</summary>
    private RunConclusion? TrainOnSlot(ActiveWork work, RunActivation grain, RunSpec spec, string device)
    {
        var started = Stopwatch.GetTimestamp();
        var data = _data.Acquire(grain.Id.Sweep, grain.Id.Point, spec, device);
        try
        {
            var conclusion = grain.Train(data.Plan, data.Test, work.Drain.Token);
            _runTimes.Add(Stopwatch.GetElapsedTime(started));
            Interlocked.Add(ref _engineTicks, grain.EngineTime.Ticks);
            return conclusion;
        }
        catch (OperationCanceledException) when (work.Drain.IsCancellationRequested)
        {
            _telemetry.Runs.RunStopped(grain.Id, "drained");
            Release(work);
            return null;
        }
        finally
        {
            _data.Release(data);
        }
    }

    /// <summary>On the slot's conclusion thread: the run's last writes, then its lease leaves <see cref="_active"/>.</summary>
    private void Conclude(ActiveWork work, RunConclusion conclusion, ISweepObserver events, Activity? span)
    {
        var id = work.Run!.Run;
        Activity.Current = span;
        try
        {
            var outcome = conclusion.Conclude();
            if (!outcome.FenceLost) events.RunFinished(id, outcome);
            else
            {
                _telemetry.Runs.RunStopped(id, "lost");
                if (_abandoned is null) warn?.Invoke($"{id}: lease lost (token {work.Lease.Token}): another silo holds the run now; this activation stopped without writing");
            }
        }
        catch (Exception e)
        {
            _telemetry.Runs.RunStopped(id, "error");
            TryRelease(work);
            Fatal(e);
        }
        finally
        {
            span?.Dispose();
            Activity.Current = null;
            _active.TryRemove(work.Lease.Resource, out _);
            Volatile.Write(ref _aggregatesMayBeReady, 1);
            _changed.Release();
        }
    }

    private void Execute(ActiveWork work, AggregateClaim claim)
    {
        var id = claim.Aggregate;
        var spec = SpecOf(id.Sweep).Points[id.Point].Spec;
        using var span = _telemetry.StartAggregate(claim);
        _telemetry.AggregateCompleted(id, new AggregateReduction(id, spec, new LedgerAggregateStore(ledger, blobs, id, claim.Lease)).Activate());
    }

    private SweepSpec SpecOf(string sweep) =>
        _specs.GetOrAdd(sweep, s => new SweepCatalog(s, new LedgerSweepStore(ledger, blobs)).LoadSpec());

    /// <summary>Gives the lease back (a lost one, or one a timed-out drain gave back already, is left alone).</summary>
    private void Release(ActiveWork work)
    {
        if (!work.Lost.IsCancellationRequested) Blocking.Wait(ledger.ReleaseAsync(work.Lease));
    }

    private void TryRelease(ActiveWork work)
    {
        try
        {
            Release(work);
        }
        catch (IOException e)
        {
            warn?.Invoke($"could not give back the lease on {work.Lease.Resource} ({e.Message}); it is freed when it expires, or at once when a silo next opens this home");
        }
    }
}
