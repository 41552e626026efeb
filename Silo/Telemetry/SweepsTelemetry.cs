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

    /// <summary>Every ledger call: tag <c>sweeps.ledger.operation</c> (e.g. <c>claim_runs</c>, <c>report_step</c>).</summary>
    public static readonly Histogram<double> LedgerDuration = Meter.CreateHistogram<double>(
        "sweeps.ledger.operation.duration", "s", "Duration of ledger operations");

    /// <summary>Every blob call: tags <c>sweeps.blob.operation</c> (put, get, get_range, exists, list, delete) and <c>sweeps.blob.kind</c>.</summary>
    public static readonly Histogram<double> BlobDuration = Meter.CreateHistogram<double>(
        "sweeps.blob.operation.duration", "s", "Duration of blob store operations");

    /// <summary>Bytes moved by blob puts and gets, tags as <see cref="BlobDuration"/>.</summary>
    public static readonly Counter<long> BlobBytes = Meter.CreateCounter<long>(
        "sweeps.blob.io", "By", "Bytes written to and read from the blob store");
}
