using System.Diagnostics;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// The actor side of <c>sweeps bench sweep</c>: the sweep through an embedded Orleans silo of one slot on a fresh home,
/// as <c>sweeps run</c> hosts it (<see cref="EmbeddedCluster"/>, the sweep's grain driven until it stops), timed from
/// opening the home to the silo stopped, with the silo's own split of that time (<see cref="TrainingTimes"/>).
/// </summary>
internal static class ActorSweep
{
    private const string SweepId = "bench";

    /// <summary>Longer than any bench sweep: a sweep that hangs fails the bench rather than waiting for ever.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromHours(1);

    /// <param name="Seconds">Wall time, silo start and stop included.</param>
    /// <param name="HostingSeconds">Of that, starting and stopping the silo.</param>
    /// <param name="SlotSeconds">Time runs held the slot (training, and what a run does on its slot: claim, data, reports, conclusion).</param>
    /// <param name="EngineSeconds">Of that, the time inside the engine's training (<see cref="TrainingTimes.Engine"/>).</param>
    /// <param name="CpuSeconds">CPU time of the whole process meanwhile: the training, and the silo's work beside it on the other cores.</param>
    internal sealed record Measurement(
        double Seconds, double HostingSeconds, double SlotSeconds, double EngineSeconds, double CpuSeconds, double LedgerSeconds, double BlobSeconds,
        IReadOnlyList<string> Largest);

    /// <summary>Times the sweep through the actors in <paramref name="home"/> (a fresh one), with where the catalog and blob time went.</summary>
    public static Measurement Time(SweepSpec sweep, TimeSpan checkpointInterval, string home)
    {
        using var tally = new OperationTally();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var (hosting, times) = Blocking.Wait(RunAsync(sweep, home, checkpointInterval));
        var seconds = clock.Elapsed.TotalSeconds;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new Measurement(seconds, hosting.TotalSeconds, times.OnSlot.TotalSeconds, times.Engine.TotalSeconds, cpu.TotalSeconds,
            tally.TotalSeconds("ledger"), tally.TotalSeconds("blob"), tally.Lines(sweep.RunCount).Take(8).ToArray());
    }

    private static async Task<(TimeSpan Hosting, TrainingTimes Times)> RunAsync(SweepSpec sweep, string home, TimeSpan checkpointInterval)
    {
        var stores = EmbeddedStores.Open(home, create: true);
        await using (stores.ConfigureAwait(false))
        {
            var (ledger, blobs) = (InstrumentedLedger.Wrap(stores.Ledger), InstrumentedBlobStore.Wrap(stores.Blobs));
            var catalog = new SweepCatalog(SweepId, new LedgerSweepStore(ledger, blobs));
            catalog.Submit(sweep);
            var options = new SweepsSiloOptions { Slots = 1, CheckpointMinInterval = checkpointInterval };
            using var timeout = new CancellationTokenSource(Patience);
            var starting = Stopwatch.StartNew();
            var cluster = await EmbeddedCluster.StartAsync(home, ledger, blobs, options, Patience, timeout.Token).ConfigureAwait(false);
            var hosting = starting.Elapsed;
            await using (cluster.ConfigureAwait(false))
            {
                var stopped = cluster.Watch.StoppedAsync(SweepId, timeout.Token);
                var view = await cluster.Grains.GetGrain<ISweepGrain>(SweepId).Drive().ConfigureAwait(false);
                if (view.Phase is SweepPhase.Running) view = await stopped.ConfigureAwait(false);
                if (view.Phase is not SweepPhase.Finished) throw new InvalidOperationException($"bench sweep stopped {view.Phase}: {view.Error}");
                var stopping = Stopwatch.StartNew();
                await cluster.StopAsync().ConfigureAwait(false);
                hosting += stopping.Elapsed;
                if (!catalog.Progress().Finished) throw new InvalidOperationException("bench sweep finished in its grain but not in the catalog");
                return (hosting, cluster.Times);
            }
        }
    }
}
