using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansSweeps.Silo.Telemetry;

/// <summary>
/// The product's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named
/// <see cref="Name"/>. Instruments follow the OpenTelemetry naming conventions (dotted lower-case names,
/// durations in seconds, sizes in bytes, <c>{unit}</c> annotations for counts); exporters subscribe by name.
/// </summary>
public static class SweepsTelemetry
{
    public const string Name = "OrleansSweeps";

    public static readonly Meter Meter = new(Name, typeof(SweepsTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly ActivitySource Source = new(Name, typeof(SweepsTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Bucket boundaries of the duration histograms, 0.5 ms to 30 s: the SDK's default boundaries (0 to 10,000)
    /// suit milliseconds, and would put every ledger call and most training steps in the first bucket.
    /// </summary>
    private static InstrumentAdvice<double> SecondsBuckets => new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };

    // Attribute names shared by the instruments below.
    public const string SweepTag = "sweeps.sweep.id";
    public const string PointTag = "sweeps.point";
    public const string SiloTag = "sweeps.silo.id";
    public const string DeviceTag = "sweeps.device";
    public const string StateTag = "sweeps.run.state";
    public const string OutcomeTag = "sweeps.run.outcome";

    // Span attributes besides the ones above.
    public const string ReplicateTag = "sweeps.replicate";
    public const string StepTag = "sweeps.step";
    public const string AttemptTag = "sweeps.run.attempt";
    public const string StepCountTag = "sweeps.steps";
    public const string BytesTag = "sweeps.bytes";

    // Span names (ActivitySource <see cref="Source"/>). Every run and aggregate activation links to the sweep's
    // submission span, whose W3C traceparent is stored with the sweep (see SweepTrace).

    /// <summary>Submitting a sweep (<c>sweeps run</c>); tags sweep.</summary>
    public const string SubmitSpan = "sweeps.sweep.submit";

    /// <summary>One activation of a run on a slot, until it completes, fails, drains or is fenced off (a newer activation owns the run); tags sweep, point, replicate, silo, device, attempt, step (resumed from).</summary>
    public const string RunActivateSpan = "sweeps.run.activate";

    /// <summary>One batch of recorded-step reports written to the ledger; tags sweep, point, replicate, silo, step (the last), steps (count).</summary>
    public const string ReportSpan = "sweeps.run.report";

    /// <summary>One checkpoint written to the blob store; tags sweep, point, replicate, silo, step, bytes.</summary>
    public const string CheckpointSpan = "sweeps.run.checkpoint";

    /// <summary>One aggregate computed (point, recorded step); tags sweep, point, step, silo.</summary>
    public const string AggregateSpan = "sweeps.aggregate";

    /// <summary>Runs of each sweep by ledger state (queued, running, completed, failed), as the silo last read them; tags sweep, state.</summary>
    public static readonly Gauge<long> Runs = Meter.CreateGauge<long>("sweeps.runs", "{run}", "Runs by state");

    /// <summary>Runs this silo is training now; tags silo, device.</summary>
    public static readonly UpDownCounter<long> RunsActive = Meter.CreateUpDownCounter<long>("sweeps.runs.active", "{run}", "Runs training on this silo");

    /// <summary>Activations that ended, tag outcome (completed, failed, drained, lost, error: the slot failed), sweep, silo.</summary>
    public static readonly Counter<long> RunsEnded = Meter.CreateCounter<long>("sweeps.runs.ended", "{run}", "Run activations that ended, by outcome");

    /// <summary>Training updates done; tags sweep, silo, device.</summary>
    public static readonly Counter<long> TrainingSteps = Meter.CreateCounter<long>("sweeps.training.steps", "{step}", "Training updates done");

    /// <summary>Wall time of one training update (including recorded-step statistics); tags sweep, silo, device.</summary>
    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("sweeps.training.step.duration", "s", "Duration of one training update",
        advice: SecondsBuckets);

    /// <summary>Slots of this silo; tags silo, device.</summary>
    public static readonly Gauge<long> Slots = Meter.CreateGauge<long>("sweeps.silo.slots", "{slot}", "Slots of the silo");

    /// <summary>Slots of this silo busy with a run (aggregates have threads of their own); tags silo, device.</summary>
    public static readonly UpDownCounter<long> SlotsBusy = Meter.CreateUpDownCounter<long>("sweeps.silo.slots.busy", "{slot}", "Busy slots of the silo");

    /// <summary>Aggregates computed; tags sweep, silo.</summary>
    public static readonly Counter<long> AggregatesCompleted = Meter.CreateCounter<long>("sweeps.aggregates.completed", "{aggregate}", "Aggregates computed");

    /// <summary>Latest OSGR left-hand side (eq. 23) per point; tags sweep, point.</summary>
    public static readonly Gauge<double> OsgrLhs = Meter.CreateGauge<double>("sweeps.science.osgr.lhs", "1", "Latest OSGR, empirical side (eq. 23)");

    /// <summary>Latest OSGR right-hand side (eq. 19) per point; tags sweep, point.</summary>
    public static readonly Gauge<double> OsgrRhs = Meter.CreateGauge<double>("sweeps.science.osgr.rhs", "1", "Latest OSGR, GSNR side (eq. 19)");

    /// <summary>Latest replicate mean of the mean GSNR per point; tags sweep, point.</summary>
    public static readonly Gauge<double> GsnrMean = Meter.CreateGauge<double>("sweeps.science.gsnr.mean", "1", "Latest mean GSNR");

    /// <summary>Latest replicate mean of the MGS kernel trace per point; tags sweep, point.</summary>
    public static readonly Gauge<double> MgsTrace = Meter.CreateGauge<double>("sweeps.science.mgs.trace", "1", "Latest MGS kernel trace");

    /// <summary>Every ledger call: tag <c>sweeps.ledger.operation</c> (e.g. <c>record_reports</c>, <c>start_run</c>).</summary>
    public static readonly Histogram<double> LedgerDuration = Meter.CreateHistogram<double>(
        "sweeps.ledger.operation.duration", "s", "Duration of ledger operations", advice: SecondsBuckets);

    /// <summary>Every blob call: tags <c>sweeps.blob.operation</c> (put, get, get_range, exists, list, delete) and <c>sweeps.blob.kind</c>.</summary>
    public static readonly Histogram<double> BlobDuration = Meter.CreateHistogram<double>(
        "sweeps.blob.operation.duration", "s", "Duration of blob store operations", advice: SecondsBuckets);

    /// <summary>Bytes moved by blob puts and gets, tags as <see cref="BlobDuration"/>.</summary>
    public static readonly Counter<long> BlobBytes = Meter.CreateCounter<long>(
        "sweeps.blob.io", "By", "Bytes written to and read from the blob store");
}
