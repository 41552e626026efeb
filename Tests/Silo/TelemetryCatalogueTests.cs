using System.Diagnostics.Metrics;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Tests.Silo;

/// <summary>The duration histograms advise bucket boundaries in seconds, so exported percentiles resolve milliseconds.</summary>
public sealed class TelemetryCatalogueTests
{
    public static TheoryData<string> Durations => ["sweeps.training.step.duration", "sweeps.ledger.operation.duration", "sweeps.blob.operation.duration"];

    [Theory]
    [MemberData(nameof(Durations))]
    public void Duration_histograms_advise_increasing_second_buckets_from_half_a_millisecond(string name)
    {
        var histogram = typeof(SweepsTelemetry).GetFields().Select(f => f.GetValue(null)).OfType<Histogram<double>>().Single(h => h.Name == name);
        var buckets = histogram.Advice?.HistogramBucketBoundaries ?? throw new InvalidOperationException($"{name}: no bucket advice");
        Assert.Equal("s", histogram.Unit);
        Assert.Equal(0.0005, buckets[0]);
        Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First < p.Second), $"{name}: boundaries not increasing");
        Assert.InRange(buckets[^1], 10, 60);
    }
}
