using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.GrainStorage;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Sqlite;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// Two real silos in this process (1 and 2 slots) on one catalog and blob store, a sweep of ten times more runs than
/// the cluster's slots: it completes; each silo's training runs, traced from its own run events (start and end times
/// on the training threads, not the slot pool's count), never overlap more than its slots; and a grain on a silo whose
/// slots all train answers within 100 ms.
/// </summary>
public sealed class OrleansSlotsTests
{
    private const string Spec = """
        name: slots
        seed: 4
        replicates: 10
        train_size: 100
        dataset: {kind: toy-product, noise: 1.0, test_size: 500}
        model: {kind: mlp, hidden: [16]}
        training: {optimizer: gd, lr: 0.002, steps: 400}
        record: {every: 200}
        stats: {moments: true}
        grid:
          train_size: [50, 100, 150]
        """;

    [Fact]
    public async Task A_sweep_of_ten_times_the_slots_completes_and_no_silo_trains_more_runs_than_its_slots()
    {
        using var dir = new TempDirectory();
        await using var ledger = SqliteLedger.Open(dir.Combine("ledger.db"));
        var blobs = FileBlobStore.Open(dir.Combine("blobs"));
        var sweep = SpecLoader.Parse(Spec, "spec");
        new SweepCatalog("s", new LedgerSweepStore(ledger, blobs)).Submit(sweep);
        Assert.Equal(10 * 3, sweep.RunCount);

        var trace = new TrainingTrace();
        var primary = LocalSilo.FreePort();
        await using var one = await StartSilo(dir, ledger, blobs, "one", 1, trace, primary, primary);
        await using var two = await StartSilo(dir, ledger, blobs, "two", 2, trace, LocalSilo.FreePort(), primary);

        var grain = one.Grains.GetGrain<ISweepGrain>("s");
        var view = await grain.Drive();
        var slowest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        while (view.Phase is SweepPhase.Running)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), $"the sweep did not finish in 5 minutes: {view}");
            // While silo "two" trains on both its slots, one of its run grains must answer at once.
            if (trace.TrainingOn("two") is [var run, _])
            {
                var asked = Stopwatch.StartNew();
                await two.Grains.GetGrain<IRunGrain>(run.ToString()).Start();
                if (asked.Elapsed > slowest) slowest = asked.Elapsed;
            }
            await Task.Delay(20);
            view = await grain.View();
        }

        Assert.Equal(SweepPhase.Finished, view.Phase);
        var status = await ledger.GetSweepStatusAsync("s");
        Assert.Equal(30, status!.Runs.Completed);
        Assert.Equal(30, trace.Ended.Count);
        Assert.Equal(1, trace.MaxConcurrent("one"));
        Assert.Equal(2, trace.MaxConcurrent("two"));
        Assert.True(slowest < TimeSpan.FromMilliseconds(100), $"a grain on a silo whose slots all train took {slowest.TotalMilliseconds:F0} ms to answer");
        Assert.True(slowest > TimeSpan.Zero, "no call was made while silo two trained on both slots");
    }

    private static Task<LocalSilo> StartSilo(TempDirectory dir, ILedger ledger, IBlobStore blobs, string name, int slots, TrainingTrace trace,
        int siloPort, int primaryPort) => LocalSilo.StartAsync(silo =>
    {
        silo.UseLocalhostClustering(siloPort, LocalSilo.FreePort(), new IPEndPoint(IPAddress.Loopback, primaryPort));
        silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = name);
        silo.AddSqliteGrainStorage(RunGrain.StorageName, dir.Combine("grains.db"));
        silo.AddSweeps(ledger, blobs, new SweepsSiloOptions { Slots = slots, Serves = "cpu", Observer = trace.For(name), SweepTick = TimeSpan.FromMilliseconds(200) });
    });

    /// <summary>Start and end of every training, per silo, as the training threads report them.</summary>
    private sealed class TrainingTrace
    {
        private readonly ConcurrentQueue<(string Silo, RunId Run, long Start, long End)> _ended = new();
        private readonly ConcurrentDictionary<RunId, (string Silo, long Start)> _training = new();

        public IReadOnlyCollection<(string Silo, RunId Run, long Start, long End)> Ended => _ended;

        public RunId[] TrainingOn(string silo) => _training.Where(t => t.Value.Silo == silo).Select(t => t.Key).ToArray();

        public ISweepObserver For(string silo) => new Observer(this, silo);

        /// <summary>The most intervals of one silo that overlap at any instant (an end before a start at the same tick first).</summary>
        public int MaxConcurrent(string silo)
        {
            var events = _ended.Where(e => e.Silo == silo).SelectMany(e => new[] { (At: e.Start, Delta: 1), (At: e.End, Delta: -1) })
                .OrderBy(e => e.At).ThenBy(e => e.Delta);
            int now = 0, most = 0;
            foreach (var (_, delta) in events) most = Math.Max(most, now += delta);
            return most;
        }

        private sealed class Observer(TrainingTrace trace, string silo) : ISweepObserver
        {
            public void RunStarted(RunId id, int totalSteps, int fromStep) => trace._training[id] = (silo, Stopwatch.GetTimestamp());

            public void StepDone(RunId id, int step)
            {
            }

            /// <summary>The training is over here: the run concludes after its slot is free (RunFinished comes later).</summary>
            public void RunTrained(RunId id)
            {
                if (trace._training.TryRemove(id, out var started)) trace._ended.Enqueue((silo, id, started.Start, Stopwatch.GetTimestamp()));
            }

            public void RunFinished(RunId id, RunOutcome outcome)
            {
            }
        }
    }
}
