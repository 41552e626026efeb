using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Orleans.Hosting;
using OrleansSweeps.Silo.Telemetry;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The Orleans instruments the dashboards rely on (<see cref="OrleansMetrics"/>) are the ones a live silo of this
/// Orleans version publishes on <see cref="OrleansTelemetry.MeterName"/>: same name, unit and kind, and no attribute
/// key outside the list.
/// </summary>
public sealed class OrleansMetricsTests
{
    [Fact]
    public async Task A_live_silo_publishes_the_listed_instruments_with_their_units_kinds_and_attributes()
    {
        var published = new ConcurrentDictionary<string, PrometheusNames.Instrument>(StringComparer.Ordinal);
        var keys = new ConcurrentDictionary<(string Instrument, string Key), bool>();
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            foreach (var tag in tags) keys[(instrument.Name, tag.Key)] = true;
        }
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name != OrleansTelemetry.MeterName) return;
                published[instrument.Name] = new(instrument.Name, instrument.Unit, PrometheusNames.KindOf(instrument));
                l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<int>(Record);
        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<float>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.Start();

        await using (var silo = await LocalSilo.StartLocalhostAsync(s => s.AddMemoryGrainStorage(StateGrain.StorageName).AddOrleansTelemetry()))
        {
            // Activations and grain calls to measure; observable gauges report when read.
            for (var i = 0; i < 3; i++) await silo.Grains.GetGrain<IStateGrain>($"metrics-{i}").Write(i);
            listener.RecordObservableInstruments();
        }

        foreach (var metric in OrleansMetrics.All)
        {
            Assert.True(published.TryGetValue(metric.Name, out var seen), $"Orleans published no instrument {metric.Name}");
            Assert.Equal(metric.Instrument with { Unit = metric.Unit ?? "" }, seen with { Unit = seen.Unit ?? "" });
            var unlisted = keys.Keys.Where(k => k.Instrument == metric.Name && !metric.Attributes.Contains(k.Key)).Select(k => k.Key);
            Assert.Empty(unlisted);
        }
        // The attribute the dashboards group activations by was recorded.
        Assert.Contains(("orleans-catalog-activations", OrleansMetrics.GrainType), keys.Keys);
    }
}
