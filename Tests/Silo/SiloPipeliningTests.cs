using System.Diagnostics;
using Microsoft.Data.Sqlite;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Sqlite;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// The silo's pipelining (docs/spec.md, "Pipelining") on a real silo (SQLite ledger, file blobs, libtorch) of one
/// slot: the slot trains its next run while the previous one concludes, and short runs are claimed ahead, one per
/// slot, while runs longer than <see cref="SiloOptions.ClaimAheadBelow"/> never are.
/// </summary>
public sealed class SiloPipeliningTests
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

            await Work(stores.Ledger, blobs, observer, claimAheadBelow: TimeSpan.Zero);

            Assert.Equal(Enumerable.Range(0, Replicates).Select(Run), observer.Finished.OrderBy(r => r.Replicate));
            var status = await stores.Ledger.GetSweepStatusAsync("s");
            Assert.Equal(new RunCounts(0, 0, Replicates, 0), status!.Runs);
            // The silo left the ledger when it stopped: not shown alive until it would have fallen silent.
            Assert.Equal(SiloState.Expired, (await stores.Ledger.ListSilosAsync()).Single(s => s.Silo == "pipelined").State);
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

            await Work(ledger, stores.Blobs, observer, TimeSpan.Zero, Spec + "\ngrid:\n  train_size: [64, 48]\n");

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

            var (slot, engine) = await Work(stores.Ledger, stores.Blobs, new Observer { Stepped = _ => Thread.Sleep(sleep) }, TimeSpan.Zero);

            Assert.True(engine > TimeSpan.Zero, "no engine time");
            Assert.True(slot - engine >= asleep, $"slot {slot.TotalMilliseconds} ms less engine {engine.TotalMilliseconds} ms is under the {asleep.TotalMilliseconds} ms slept in callbacks");
            Assert.True(slot <= wall.Elapsed, $"slot {slot} longer than the wall time {wall.Elapsed} of one slot");
        }
    }

    /// <param name="claimAheadBelow">Seconds; the toy runs take some milliseconds each.</param>
    /// <param name="held">Runs the silo holds while its slot starts the second run, once the first has concluded.</param>
    [Theory]
    [InlineData(3600, 2)] // short runs: the second training and the third claimed ahead
    [InlineData(0.0001, 1)] // runs longer than 0.1 ms are not claimed ahead
    [InlineData(0, 1)] // never
    public async Task Short_runs_are_claimed_ahead_one_per_slot_and_longer_ones_never(double claimAheadBelow, int held)
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
                // The slot waits here, before training the second run, so nothing it does changes what is held.
                Started = id =>
                {
                    if (id != Run(1)) return;
                    Assert.True(firstFinished.Wait(Patience), "the first run never concluded");
                    counted.AddRange(HeldOver(Path.Combine(dir.Path, SqliteLedger.FileName), held == 1 ? TimeSpan.FromSeconds(1) : Patience, until: held));
                },
            };

            await Work(stores.Ledger, stores.Blobs, observer, TimeSpan.FromSeconds(claimAheadBelow));

            Assert.Equal(held, counted.Max());
            Assert.Equal(Replicates, observer.Finished.Count);
        }
    }

    /// <summary>
    /// The runs held by the silo (running under its lease, read from the ledger file), sampled until
    /// <paramref name="until"/> are held or <paramref name="window"/> passed.
    /// </summary>
    private static IEnumerable<int> HeldOver(string ledgerFile, TimeSpan window, int until)
    {
        var deadline = DateTime.UtcNow + window;
        var counts = new List<int>();
        using var ledger = new SqliteConnection($"Data Source={ledgerFile};Mode=ReadOnly;Pooling=False");
        ledger.Open();
        using var query = ledger.CreateCommand();
        query.CommandText = """
            SELECT count(*) FROM runs r JOIN leases l ON l.sweep = r.sweep AND l.kind = 'run' AND l.point = r.point AND l.ordinal = r.replicate
            WHERE r.state = 'running' AND l.owner = 'pipelined'
            """;
        do
        {
            counts.Add((int)(long)query.ExecuteScalar()!);
            if (until > 1 && counts[^1] >= until) break;
            Thread.Sleep(10);
        }
        while (DateTime.UtcNow < deadline);
        return counts;
    }

    /// <returns>The silo's <see cref="SiloHost.SlotTime"/> and <see cref="SiloHost.EngineTime"/>.</returns>
    private static async Task<(TimeSpan Slot, TimeSpan Engine)> Work(ILedger ledger, IBlobStore blobs, Observer observer, TimeSpan claimAheadBelow, string spec = "")
    {
        var grain = new SweepCatalog("s", new LedgerSweepStore(ledger, blobs));
        grain.Submit(SpecBuilder.Parse(spec.Length > 0 ? spec : Spec));
        var options = new SiloOptions { Slots = 1, SiloId = "pipelined", ClaimAheadBelow = claimAheadBelow, IdlePoll = TimeSpan.FromMilliseconds(20) };
        using var silo = new SiloHost(ledger, blobs, options) { Observer = observer };
        var progress = await silo.RunUntilFinishedAsync("s", CancellationToken.None);
        Assert.True(progress.Finished);
        return (silo.SlotTime, silo.EngineTime);
    }

    private sealed class Observer : ISweepObserver
    {
        public Action<RunId>? Started { get; init; }

        public Action<RunId>? Concluded { get; init; }

        public Action<int>? Stepped { get; init; }

        public List<RunId> Finished { get; } = [];

        public void RunStarted(RunId id, int totalSteps, int fromStep) => Started?.Invoke(id);

        public void StepDone(RunId id, int step) => Stepped?.Invoke(step);

        public void RunFinished(RunId id, RunOutcome outcome)
        {
            lock (Finished) Finished.Add(id);
            Concluded?.Invoke(id);
        }
    }
}
