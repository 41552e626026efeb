using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Silo.Telemetry;
using OrleansSweeps.Tests.Client;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// A real embedded Orleans silo (SQLite catalog and grain states, file blobs, libtorch) works a tiny sweep while an in-process MeterListener and
/// ActivityListener record what it emits; every number is checked against the spec or the ledger. Measurements
/// are filtered by this test's sweep and silo ids (other tests may run silos in this process at the same time).
/// </summary>
public sealed class SiloTelemetryTests
{
    private const int Points = 2;
    private const int Replicates = 2;
    private const int Steps = 30;
    private const int Slots = 2;
    private static readonly int[] RecordedSteps = [0, 10, 20, 30];

    [Fact]
    public async Task A_silo_records_steps_outcomes_slots_sweep_states_science_gauges_and_linked_spans()
    {
        using var dir = new TempDirectory();
        var sweepId = "tel-" + Guid.NewGuid().ToString("N")[..8];
        var siloId = "silo-" + Guid.NewGuid().ToString("N")[..8];
        using var recorder = new Recorder(sweepId, siloId);
        var spec = SpecBuilder.Parse(TelemetryExportTests.Spec);
        Assert.Equal(Points * Replicates, spec.RunCount);
        Assert.All(spec.Points, p => Assert.Equal(Steps, p.Spec.Training.Steps));

        var stores = EmbeddedStores.Open(dir.Path, create: true);
        await using (stores)
        {
            var grain = new SweepCatalog(sweepId, new LedgerSweepStore(stores.Ledger, stores.Blobs));
            ActivityContext submitted;
            using (var submit = SweepTrace.StartSubmit(stores.Blobs, sweepId))
            {
                Assert.NotNull(submit);
                submitted = submit.Context;
                grain.Submit(spec);
                await SweepTrace.StoreAsync(stores.Blobs, sweepId, submit);
            }
            var options = new SweepsSiloOptions { Slots = Slots, Name = siloId, CheckpointMinInterval = TimeSpan.Zero };
            var cluster = await EmbeddedCluster.StartAsync(dir.Path, InstrumentedLedger.Wrap(stores.Ledger), InstrumentedBlobStore.Wrap(stores.Blobs),
                options, Timeout.InfiniteTimeSpan, CancellationToken.None);
            await using (cluster)
            {
                var stopped = cluster.Watch.StoppedAsync(sweepId, CancellationToken.None);
                var view = await cluster.Grains.GetGrain<ISweepGrain>(sweepId).Drive();
                if (view.Phase is SweepPhase.Running) view = await stopped.WaitAsync(TimeSpan.FromMinutes(3));
                Assert.Equal(SweepPhase.Finished, view.Phase);
            }

            // Updates done: every run trained from 0 to its last step; all but each activation's first update timed.
            Assert.Equal(Points * Replicates * Steps, recorder.Sum(SweepsTelemetry.TrainingSteps.Name));
            Assert.Equal(Points * Replicates * (Steps - 1), recorder.Values(SweepsTelemetry.StepDuration.Name).Count);
            Assert.All(recorder.Values(SweepsTelemetry.StepDuration.Name), d => Assert.True(d > 0));
            Assert.Equal([("completed", Points * Replicates)], recorder.CountBy(SweepsTelemetry.RunsEnded.Name, SweepsTelemetry.OutcomeTag));
            Assert.Equal(0, recorder.Sum(SweepsTelemetry.RunsActive.Name));
            Assert.Equal(Slots, recorder.Values(SweepsTelemetry.Slots.Name)[^1]);
            Assert.Equal(0, recorder.Sum(SweepsTelemetry.SlotsBusy.Name));
            Assert.InRange(recorder.MaxRunningSum(SweepsTelemetry.SlotsBusy.Name), 1, Slots);
            Assert.Equal(Points * RecordedSteps.Length, recorder.Sum(SweepsTelemetry.AggregatesCompleted.Name));
            Assert.Equal(Points * Replicates, recorder.Last(SweepsTelemetry.Runs.Name, (SweepsTelemetry.StateTag, "completed")));
            Assert.Equal(0, recorder.Last(SweepsTelemetry.Runs.Name, (SweepsTelemetry.StateTag, "queued")));
            Assert.Equal(0, recorder.Last(SweepsTelemetry.Runs.Name, (SweepsTelemetry.StateTag, "running")));
            Assert.NotEmpty(recorder.Values(SweepsTelemetry.LedgerDuration.Name, ("sweeps.ledger.operation", "record_reports")));
            Assert.NotEmpty(recorder.Values(SweepsTelemetry.BlobBytes.Name, ("sweeps.blob.kind", "checkpoint")));

            // Science gauges: each point's value at the latest recorded step where the aggregate has one.
            foreach (var point in Enumerable.Range(0, Points))
            {
                var results = new List<AggregateResult>();
                foreach (var step in RecordedSteps)
                {
                    var text = await stores.Ledger.ReadAggregateResultAsync(new AggregateId(sweepId, point, step));
                    results.Add(AggregateResult.Parse(text!, $"p{point} step {step}"));
                }
                foreach (var (gauge, name) in new[]
                         {
                             (SweepsTelemetry.OsgrLhs.Name, "osgr_lhs"), (SweepsTelemetry.OsgrRhs.Name, "osgr_rhs"),
                             (SweepsTelemetry.GsnrMean.Name, "gsnr_mean"), (SweepsTelemetry.MgsTrace.Name, "mgs_trace_mean"),
                         })
                {
                    var expected = results.Last(r => double.IsFinite(r[name]))[name];
                    Assert.Equal(expected, recorder.Last(gauge, (SweepsTelemetry.PointTag, point)));
                }
                Assert.True(double.IsNaN(results[^1]["osgr_lhs"])); // the last step has no update after it: lhs comes from step 20
            }

            // Spans: one activation per run and one per aggregate, each linked to the submission.
            var spans = recorder.Spans();
            var activations = spans.Where(s => s.OperationName == SweepsTelemetry.RunActivateSpan).ToArray();
            var aggregates = spans.Where(s => s.OperationName == SweepsTelemetry.AggregateSpan).ToArray();
            Assert.Equal(Points * Replicates, activations.Length);
            Assert.Equal(Points * RecordedSteps.Length, aggregates.Length);
            Assert.All(activations.Concat(aggregates), s =>
            {
                Assert.Equal(default, s.ParentSpanId);
                var link = Assert.Single(s.Links).Context;
                Assert.Equal((submitted.TraceId, submitted.SpanId), (link.TraceId, link.SpanId));
                Assert.Equal(siloId, s.GetTagItem(SweepsTelemetry.SiloTag));
            });
            Assert.All(activations, a => Assert.Equal("completed", a.GetTagItem(SweepsTelemetry.OutcomeTag)));
            var reports = spans.Where(s => s.OperationName == SweepsTelemetry.ReportSpan).ToArray();
            Assert.Equal(Points * Replicates * RecordedSteps.Length, reports.Sum(r => (int)r.GetTagItem(SweepsTelemetry.StepCountTag)!));
            Assert.All(reports.Concat(spans.Where(s => s.OperationName == SweepsTelemetry.CheckpointSpan)),
                c => Assert.Contains(activations, a => a.SpanId == c.ParentSpanId && a.TraceId == c.TraceId));
        }
    }

    /// <summary>Measurements and stopped spans of this test's sweep or silo.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _meters = new();
        private readonly ActivityListener _spans;
        private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
        private readonly List<Activity> _stopped = [];
        private readonly string _sweep;
        private readonly string _silo;

        public Recorder(string sweep, string silo)
        {
            (_sweep, _silo) = (sweep, silo);
            _meters.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SweepsTelemetry.Name) listener.EnableMeasurementEvents(instrument);
            };
            _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _meters.Start();
            _spans = new ActivityListener
            {
                ShouldListenTo = source => source.Name == SweepsTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (Equals(activity.GetTagItem(SweepsTelemetry.SweepTag), _sweep))
                        lock (_stopped) _stopped.Add(activity);
                },
            };
            ActivitySource.AddActivityListener(_spans);
        }

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dict = new Dictionary<string, object?>();
            foreach (var tag in tags) dict[tag.Key] = tag.Value;
            // Ledger and blob operations carry no sweep or silo: those of other tests count too, so they are only checked as present.
            var ours = Equals(dict.GetValueOrDefault(SweepsTelemetry.SweepTag), _sweep) || Equals(dict.GetValueOrDefault(SweepsTelemetry.SiloTag), _silo)
                || instrument == SweepsTelemetry.LedgerDuration || instrument == SweepsTelemetry.BlobDuration || instrument == SweepsTelemetry.BlobBytes;
            if (!ours) return;
            lock (_measurements) _measurements.Add((instrument.Name, value, dict));
        }

        public IReadOnlyList<double> Values(string instrument, params (string Key, object Value)[] where)
        {
            lock (_measurements)
                return _measurements.Where(m => m.Instrument == instrument && where.All(w => Equals(m.Tags.GetValueOrDefault(w.Key), w.Value)))
                    .Select(m => m.Value).ToArray();
        }

        public double Sum(string instrument) => Values(instrument).Sum();

        public double Last(string instrument, params (string Key, object Value)[] where) => Values(instrument, where)[^1];

        /// <summary>The largest running total of an up-down counter's deltas.</summary>
        public double MaxRunningSum(string instrument)
        {
            double total = 0, max = 0;
            foreach (var delta in Values(instrument)) max = Math.Max(max, total += delta);
            return max;
        }

        public IReadOnlyList<(string, int)> CountBy(string instrument, string tag)
        {
            lock (_measurements)
                return _measurements.Where(m => m.Instrument == instrument).GroupBy(m => (string)m.Tags[tag]!)
                    .Select(g => (g.Key, (int)g.Sum(m => m.Value))).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        }

        public IReadOnlyList<Activity> Spans()
        {
            lock (_stopped) return _stopped.ToArray();
        }

        public void Dispose()
        {
            _meters.Dispose();
            _spans.Dispose();
        }
    }
}
