using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Silo.Telemetry;

/// <summary>
/// What one silo records in <see cref="SweepsTelemetry"/> besides its run events (<see cref="Runs"/>): its slots
/// and busy slots, the runs of each sweep it works on by ledger state, aggregates and the science gauges, and
/// the activation spans of its runs and aggregates (linked to their sweep's submission, <see cref="SweepTrace"/>).
/// Telemetry never stops work: its own ledger reads swallow storage errors.
/// </summary>
public sealed class SiloTelemetry
{
    private readonly string _silo;
    private readonly TagList _siloTags;
    private readonly SweepTrace _trace;
    private readonly ConcurrentDictionary<string, byte> _sweeps = new();
    private readonly ConcurrentDictionary<RunId, string> _placed = new();
    private readonly Dictionary<(string Sweep, int Point, string Value), int> _latest = [];

    /// <param name="device">The silo's device for every run, or null when each run uses its spec's (tag value <c>spec</c>).</param>
    public SiloTelemetry(string silo, string? device, IBlobStore blobs)
    {
        _silo = silo;
        _siloTags = new TagList { { SweepsTelemetry.SiloTag, silo }, { SweepsTelemetry.DeviceTag, device ?? "spec" } };
        _trace = new SweepTrace(blobs);
        // A run's device, as StartRun was told it just before the run's RunStarted event.
        Runs = new TelemetryObserver(silo, id => _placed.TryRemove(id, out var placed) ? placed : device ?? "spec");
    }

    /// <summary>The run events (runs active and ended, training steps and their duration).</summary>
    public TelemetryObserver Runs { get; }

    public void RecordSlots(int slots) => SweepsTelemetry.Slots.Record(slots, _siloTags);

    /// <summary>Counts slots taken (+1) or given back (-1).</summary>
    public void SlotsBusyChanged(int delta) => SweepsTelemetry.SlotsBusy.Add(delta, _siloTags);

    /// <summary>Includes <paramref name="sweep"/> in <see cref="RecordSweepStatesAsync"/> from now on.</summary>
    public void Watch(string sweep) => _sweeps.TryAdd(sweep, 0);

    /// <summary>Reads each watched sweep's run counts from the ledger into <c>sweeps.runs</c> (only while something listens).</summary>
    public async Task RecordSweepStatesAsync(ILedger ledger, CancellationToken cancel = default)
    {
        if (!SweepsTelemetry.Runs.Enabled) return;
        foreach (var sweep in _sweeps.Keys)
        {
            try
            {
                if (await ledger.GetSweepStatusAsync(sweep, cancel).ConfigureAwait(false) is not { } status) continue;
                Record(status.Runs.Queued, "queued");
                Record(status.Runs.Running, "running");
                Record(status.Runs.Completed, "completed");
                Record(status.Runs.Failed, "failed");
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            void Record(int count, string state) =>
                SweepsTelemetry.Runs.Record(count, new TagList { { SweepsTelemetry.SweepTag, sweep }, { SweepsTelemetry.StateTag, state } });
        }
    }

    /// <summary>The activation span of a run (the training thread's current activity until disposed), or null when tracing is off.</summary>
    public Activity? StartRun(RunId run, int attempt, int fromStep, string device)
    {
        Watch(run.Sweep);
        _placed[run] = device;
        var span = StartRoot(SweepsTelemetry.RunActivateSpan, run.Sweep);
        span?.SetTag(SweepsTelemetry.SweepTag, run.Sweep)
            .SetTag(SweepsTelemetry.PointTag, run.Point)
            .SetTag(SweepsTelemetry.ReplicateTag, run.Replicate)
            .SetTag(SweepsTelemetry.SiloTag, _silo)
            .SetTag(SweepsTelemetry.DeviceTag, device)
            .SetTag(SweepsTelemetry.AttemptTag, attempt)
            .SetTag(SweepsTelemetry.StepTag, fromStep);
        return span;
    }

    /// <summary>The span of an aggregate's computation, or null when tracing is off.</summary>
    public Activity? StartAggregate(AggregateId aggregate)
    {
        Watch(aggregate.Sweep);
        var span = StartRoot(SweepsTelemetry.AggregateSpan, aggregate.Sweep);
        span?.SetTag(SweepsTelemetry.SweepTag, aggregate.Sweep)
            .SetTag(SweepsTelemetry.PointTag, aggregate.Point)
            .SetTag(SweepsTelemetry.StepTag, aggregate.Step)
            .SetTag(SweepsTelemetry.SiloTag, _silo);
        return span;
    }

    /// <summary>
    /// Counts a computed aggregate and sets the science gauges of its point to its values, unless a later step's
    /// value was already recorded (aggregates of one point may complete out of step order). NaN values (not
    /// recorded, e.g. OSGR lhs at the last step) leave the gauge as it is.
    /// </summary>
    public void AggregateCompleted(AggregateId id, AggregateResult result)
    {
        SweepsTelemetry.AggregatesCompleted.Add(1, new TagList { { SweepsTelemetry.SweepTag, id.Sweep }, { SweepsTelemetry.SiloTag, _silo } });
        var tags = new TagList { { SweepsTelemetry.SweepTag, id.Sweep }, { SweepsTelemetry.PointTag, id.Point } };
        Gauge(SweepsTelemetry.OsgrLhs, "osgr_lhs");
        Gauge(SweepsTelemetry.OsgrRhs, "osgr_rhs");
        Gauge(SweepsTelemetry.GsnrMean, "gsnr_mean");
        Gauge(SweepsTelemetry.MgsTrace, "mgs_trace_mean");

        void Gauge(System.Diagnostics.Metrics.Gauge<double> gauge, string name)
        {
            var value = result[name];
            if (!double.IsFinite(value)) return;
            var key = (id.Sweep, id.Point, name);
            lock (_latest)
            {
                if (_latest.TryGetValue(key, out var step) && step > id.Step) return;
                _latest[key] = id.Step;
                gauge.Record(value, tags);
            }
        }
    }

    /// <summary>A span of a run's write (report, checkpoint): a child of its activation span, on the same silo.</summary>
    public static Activity? StartRunChild(string name, RunId run)
    {
        var span = SweepsTelemetry.Source.StartActivity(name);
        if (span is null) return null;
        span.SetTag(SweepsTelemetry.SweepTag, run.Sweep).SetTag(SweepsTelemetry.PointTag, run.Point).SetTag(SweepsTelemetry.ReplicateTag, run.Replicate);
        span.SetTag(SweepsTelemetry.SiloTag, span.Parent?.GetTagItem(SweepsTelemetry.SiloTag));
        return span;
    }

    /// <summary>
    /// A root span (whatever the thread's current activity: slot threads inherit the context they were started in)
    /// linked to the sweep's submission.
    /// </summary>
    private Activity? StartRoot(string name, string sweep)
    {
        if (!SweepsTelemetry.Source.HasListeners()) return null;
        Activity.Current = null;
        return SweepsTelemetry.Source.StartActivity(name, ActivityKind.Internal, default(ActivityContext), links: _trace.LinksOf(sweep));
    }
}
