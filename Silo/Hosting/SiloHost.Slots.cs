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
    /// <summary>One thread per slot: training is long, CPU-bound, synchronous work that must not starve the thread pool.</summary>
    private void StartSlots()
    {
        if (_slots.Count > 0) return;
        for (var i = 0; i < options.Slots; i++)
        {
            var thread = new Thread(SlotLoop) { IsBackground = true, Name = $"slot {i}" };
            _slots.Add(thread);
            thread.Start();
        }
        _telemetry.RecordSlots(options.Slots);
    }

    private void SlotLoop()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            using var busy = _telemetry.SlotBusy();
            try
            {
                if (work.Drain.IsCancellationRequested || _fatal is not null) Release(work);
                else if (work.Run is { } run) Execute(work, run);
                else Execute(work, work.Aggregate!);
            }
            catch (Exception e)
            {
                if (work.Run is { } run) _telemetry.Runs.RunStopped(run.Run, "error");
                TryRelease(work);
                Fatal(e);
            }
            finally
            {
                _active.TryRemove(work.Lease.Resource, out _);
                _changed.Release();
            }
        }
    }

    private void Execute(ActiveWork work, RunClaim claim)
    {
        var id = claim.Run;
        var spec = SpecOf(id.Sweep).Points[id.Point].Spec;
        var device = options.Device ?? spec.Device;
        using var span = _telemetry.StartRun(claim, device);
        var events = CompositeObserver.Of(_telemetry.Runs, Observer);
        var grain = new RunGrain(id, spec, device, new BlobRunStore(blobs, id, warn), new LedgerRunLease(ledger, claim.Lease, work.Lost.Token))
        {
            Progress = step => events.StepDone(id, step),
            CheckpointMinInterval = options.CheckpointMinInterval,
            FirstActivation = claim.Attempt == 1,
            Warn = warn,
        };
        events.RunStarted(id, spec.Training.Steps, claim.CheckpointStep ?? 0);
        var data = _data.Acquire(id.Sweep, id.Point, spec, device);
        try
        {
            var outcome = grain.Activate(data.Plan, data.Test, work.Drain.Token);
            if (!outcome.LeaseLost) events.RunFinished(id, outcome);
            else
            {
                _telemetry.Runs.RunStopped(id, "lost");
                if (_abandoned is null) warn?.Invoke($"{id}: lease lost (token {claim.Lease.Token}): another silo holds the run now; this activation stopped without writing");
            }
        }
        catch (OperationCanceledException) when (work.Drain.IsCancellationRequested)
        {
            _telemetry.Runs.RunStopped(id, "drained");
            Release(work);
        }
        finally
        {
            _data.Release(data);
        }
    }

    private void Execute(ActiveWork work, AggregateClaim claim)
    {
        var id = claim.Aggregate;
        var spec = SpecOf(id.Sweep).Points[id.Point].Spec;
        using var span = _telemetry.StartAggregate(claim);
        _telemetry.AggregateCompleted(id, new AggregatorGrain(id, spec, new LedgerAggregateStore(ledger, blobs, id, claim.Lease)).Activate());
    }

    private SweepSpec SpecOf(string sweep) =>
        _specs.GetOrAdd(sweep, s => new SweepGrain(s, new LedgerSweepStore(ledger, blobs)).LoadSpec());

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
