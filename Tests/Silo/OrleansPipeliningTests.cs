using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// Pipelining on an embedded Orleans silo of one slot (SQLite catalog and grain state, file blobs, libtorch): a run gives
/// its slot back when its training is over and concludes off the slot while the next run trains; short runs wait in
/// line on the silo, one per slot, and longer ones never; the silo's <see cref="TrainingTimes"/> count the grain's own
/// work on the slot as slot time, not engine time; aggregates are computed off the slot.
/// </summary>
public sealed class OrleansPipeliningTests
{
    private const int Replicates = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly string Spec = SpecBuilder.ToyYaml.Replace("replicates: 2", $"replicates: {Replicates}", StringComparison.Ordinal);

    private static RunId Run(int replicate) => new("s", 0, replicate);

    [Fact]
    public async Task A_slot_trains_its_next_run_while_the_previous_one_concludes()
    {
        using var dir = new TempDirectory();
        var stores = EmbeddedStores.Open(dir.Path, create: true);
        await using (stores)
        {
            using var secondStarted = new ManualResetEventSlim();
            // The first run's curves (part of its conclusion) wait for the slot to start the second run: were the
            // conclusion on the slot, the second run could not start and this put would time out.
            var blobs = Intercepted<IBlobStore>.Wrap(stores.Blobs, (method, args) =>
            {
                if (method.Name == nameof(IBlobStore.PutAsync) && (string)args[0]! == BlobKeys.Curves(Run(0)) && !secondStarted.Wait(Patience))
                    throw new TimeoutException($"the first run's conclusion waited {Patience.TotalSeconds} s for the slot to start the second run");
            });
            var observer = new Observer { Started = id => { if (id == Run(1)) secondStarted.Set(); } };

            await Work(dir, stores.Ledger, blobs, observer, TimeSpan.Zero);

            Assert.Equal(Enumerable.Range(0, Replicates).Select(Run), observer.Finished.OrderBy(r => r.Replicate));
            Assert.Equal(new RunCounts(0, 0, Replicates, 0), (await stores.Ledger.GetSweepStatusAsync("s"))!.Runs);
            // Every recorded step reported exactly once per replicate, and each aggregate computed.
            foreach (var step in new[] { 0, 5, 10, 15, 20 })
            {
                Assert.Equal(Enumerable.Range(0, Replicates), (await stores.Ledger.ReadReportsAsync(new AggregateId("s", 0, step))).Select(r => r.Replicate));
                Assert.NotNull(await stores.Ledger.ReadAggregateResultAsync(new AggregateId("s", 0, step)));
            }
        }
    }

    [Fact]
    public async Task A_slot_trains_while_an_aggregate_is_computed()
    {
        using var dir = new TempDirectory();
        var stores = EmbeddedStores.Open(dir.Path, create: true);
        await using (stores)
        {
            var last = new RunId("s", 1, Replicates - 1);
            using var lastStarted = new ManualResetEventSlim();
            // Point 0's aggregates (reading their reports) wait for the slot to start point 1's last run: were they
            // computed on the slot, that run could not start and this read would time out.
            var ledger = Intercepted<ILedger>.Wrap(stores.Ledger, (method, args) =>
            {
                if (method.Name == nameof(ILedger.ReadReportsAsync) && ((AggregateId)args[0]!).Point == 0 && !lastStarted.Wait(Patience))
                    throw new TimeoutException($"point 0's aggregate waited {Patience.TotalSeconds} s for the slot to start run {last}");
            });
            var observer = new Observer { Started = id => { if (id == last) lastStarted.Set(); } };

            await Work(dir, ledger, stores.Blobs, observer, TimeSpan.Zero, Spec + "\ngrid:\n  train_size: [64, 48]\n");

            var status = await stores.Ledger.GetSweepStatusAsync("s");
            Assert.Equal(new RunCounts(0, 0, 2 * Replicates, 0), status!.Runs);
            Assert.Equal(2 * 5, status.Aggregates.Completed);
        }
    }

    [Fact]
    public async Task Time_the_grain_spends_in_its_callbacks_is_slot_time_and_not_engine_time()
    {
        using var dir = new TempDirectory();
        var stores = EmbeddedStores.Open(dir.Path, create: true);
        await using (stores)
        {
            const int Updates = 20;
            var sleep = TimeSpan.FromMilliseconds(2);
            // After every update the progress callback (the grain's, not the engine's) sleeps: at least this much in all.
            var asleep = Replicates * Updates * sleep;
            var wall = Stopwatch.StartNew();
            // An independent clock on each run's thread: from its start (slot and data taken) to the end of its training.
            var started = new ConcurrentDictionary<RunId, long>();
            var training = new ConcurrentDictionary<RunId, TimeSpan>();
            var observer = new Observer
            {
                Started = id => started[id] = Stopwatch.GetTimestamp(),
                Stepped = _ => Thread.Sleep(sleep),
                Trained = id => training[id] = Stopwatch.GetElapsedTime(started[id]),
            };

            var times = await Work(dir, stores.Ledger, stores.Blobs, observer, TimeSpan.Zero);

            Assert.Equal(Replicates, times.Activations);
            Assert.True(times.Engine > TimeSpan.Zero, "no engine time");
            Assert.True(times.OnSlot - times.Engine >= asleep,
                $"slot {times.OnSlot.TotalMilliseconds} ms less engine {times.Engine.TotalMilliseconds} ms is under the {asleep.TotalMilliseconds} ms slept in callbacks");
            Assert.True(times.OnSlot <= wall.Elapsed, $"slot {times.OnSlot} longer than the wall time {wall.Elapsed} of one slot");
            // The engine's time lies within each run's training as the thread clocked it, and that within its time on the slot.
            var clocked = training.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b);
            Assert.Equal(Replicates, training.Count);
            Assert.True(times.Engine <= clocked - asleep, $"engine {times.Engine} longer than the clocked training {clocked} less the {asleep} slept in callbacks");
            Assert.True(clocked <= times.OnSlot, $"clocked training {clocked} longer than the slot time {times.OnSlot}");
        }
    }

    /// <param name="queueBelow">Seconds; the toy runs hold their slot for some milliseconds each.</param>
    /// <param name="running">Runs the catalog shows running while the slot starts the second run, once the first has concluded.</param>
    [Theory]
    [InlineData(3600, 2)] // short runs: the second training and the third waiting in line for the slot
    [InlineData(0.0001, 1)] // runs longer than 0.1 ms never wait in line
    [InlineData(0, 1)] // never
    public async Task Short_runs_wait_in_line_for_the_slot_one_per_slot_and_longer_ones_never(double queueBelow, int running)
    {
        using var dir = new TempDirectory();
        var stores = EmbeddedStores.Open(dir.Path, create: true);
        await using (stores)
        {
            var counted = new List<int>();
            using var firstFinished = new ManualResetEventSlim();
            var observer = new Observer
            {
                Concluded = id => { if (id == Run(0)) firstFinished.Set(); },
                // The slot's thread waits here, before training the second run, so nothing it does changes what runs.
                Started = id =>
                {
                    if (id != Run(1)) return;
                    Assert.True(firstFinished.Wait(Patience), "the first run never concluded");
                    counted.AddRange(RunningOver(stores.Ledger, running == 1 ? TimeSpan.FromSeconds(1) : Patience, until: running));
                },
            };

            await Work(dir, stores.Ledger, stores.Blobs, observer, TimeSpan.FromSeconds(queueBelow));

            Assert.Equal(running, counted.Max());
            Assert.Equal(Replicates, observer.Finished.Count);
        }
    }

    /// <summary>The runs the catalog shows running, sampled until <paramref name="until"/> are or <paramref name="window"/> passed.</summary>
    private static List<int> RunningOver(ILedger ledger, TimeSpan window, int until)
    {
        var deadline = DateTime.UtcNow + window;
        var counts = new List<int>();
        do
        {
            counts.Add(Blocking.Wait(ledger.GetSweepStatusAsync("s"))!.Runs.Running);
            if (until > 1 && counts[^1] >= until) break;
            Thread.Sleep(10);
        }
        while (DateTime.UtcNow < deadline);
        return counts;
    }

    /// <summary>Runs the sweep to its end on an embedded silo of one slot; returns the silo's engine and slot times.</summary>
    private static async Task<TrainingTimes> Work(TempDirectory dir, ILedger ledger, IBlobStore blobs, Observer observer, TimeSpan queueBelow, string? spec = null)
    {
        new SweepCatalog("s", new LedgerSweepStore(ledger, blobs)).Submit(SpecBuilder.Parse(spec ?? Spec));
        var options = new SweepsSiloOptions { Slots = 1, QueueBelow = queueBelow, Observer = observer, SweepTick = TimeSpan.FromMilliseconds(200) };
        using var timeout = new CancellationTokenSource(Patience);
        var cluster = await EmbeddedCluster.StartAsync(dir.Path, ledger, blobs, options, Patience, timeout.Token);
        await using (cluster)
        {
            var stopped = cluster.Watch.StoppedAsync("s", timeout.Token);
            var view = await cluster.Grains.GetGrain<ISweepGrain>("s").Drive();
            if (view.Phase is SweepPhase.Running) view = await stopped;
            Assert.Equal(SweepPhase.Finished, view.Phase);
            await cluster.StopAsync();
            return cluster.Times;
        }
    }

    private sealed class Observer : ISweepObserver
    {
        public Action<RunId>? Started { get; init; }

        public Action<RunId>? Concluded { get; init; }

        public Action<int>? Stepped { get; init; }

        public Action<RunId>? Trained { get; init; }

        public List<RunId> Finished { get; } = [];

        public void RunTrained(RunId id) => Trained?.Invoke(id);

        public void RunStarted(RunId id, int totalSteps, int fromStep) => Started?.Invoke(id);

        public void StepDone(RunId id, int step) => Stepped?.Invoke(step);

        public void RunFinished(RunId id, RunOutcome outcome)
        {
            lock (Finished) Finished.Add(id);
            Concluded?.Invoke(id);
        }
    }
}
