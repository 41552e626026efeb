using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// Runs scheduled and completed per second: a sweep of one-step runs (the least a run can be: a grain activation, its
/// claim, one update, its reports, curves and end) from its first admission until its grain says it finished, through
/// in-process cluster silos on the shared stores (each with its own stores, as separate silos would have) or through an
/// embedded silo with as many slots.
/// </summary>
internal static class ClusterThroughput
{
    private const string EmptyRuns = """
        name: bench-empty-runs
        seed: 1
        replicates: {0}
        train_size: 4
        dataset: {{kind: toy-product, noise: 1.0, test_size: 4}}
        model: {{kind: mlp, hidden: [2]}}
        training: {{optimizer: gd, lr: 0.01, steps: 1}}
        record: {{every: 1}}
        """;

    /// <summary>How often the bench asks the sweep's grain how it stands (the error this adds to the time).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    /// <summary>Through <paramref name="silos"/> in-process silos of a cluster of their own (its own ids: nothing else joins it).</summary>
    public static async Task<double> SharedAsync(StoreSettings settings, int runs, int silos, int slots, CancellationToken cancel)
    {
        var sweep = $"bench-{Guid.NewGuid():N}"[..20];
        var cluster = new ClusterSettings { ClusterId = sweep, ServiceId = sweep, AdvertisedAddress = IPAddress.Loopback };
        var stores = new List<SweepStores>();
        var hosts = new List<IHost>();
        try
        {
            for (var i = 0; i < silos; i++) stores.Add(SweepStores.Open(settings, create: true));
            Submit(stores[0], sweep, runs);
            for (var i = 0; i < silos; i++)
            {
                hosts.Add(await ClusterHosting.StartSiloAsync(settings.Ledger!, stores[i].Ledger, stores[i].Blobs, Options(slots, $"{sweep}-{i}"),
                    cluster with { SiloPort = FreePort.Next(), GatewayPort = FreePort.Next() }, Drain, cancel).ConfigureAwait(false));
            }
            return await RunsPerSecondAsync(hosts[0].Services.GetRequiredService<IGrainFactory>(), sweep, runs, cancel).ConfigureAwait(false);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
                host.Dispose();
            }
            foreach (var s in stores) await s.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Through one embedded silo of <paramref name="slots"/> slots on a fresh home.</summary>
    public static async Task<double> EmbeddedAsync(string home, int runs, int slots, CancellationToken cancel)
    {
        const string Sweep = "bench-empty-runs";
        var stores = EmbeddedStores.Open(home, create: true);
        await using (stores.ConfigureAwait(false))
        {
            Submit(new SweepCatalog(Sweep, new LedgerSweepStore(stores.Ledger, stores.Blobs)), runs);
            var cluster = await EmbeddedCluster.StartAsync(home, stores.Ledger, stores.Blobs, Options(slots, null), Drain, cancel).ConfigureAwait(false);
            await using (cluster.ConfigureAwait(false))
            {
                return await RunsPerSecondAsync(cluster.Grains, Sweep, runs, cancel).ConfigureAwait(false);
            }
        }
    }

    private static void Submit(SweepStores stores, string sweep, int runs) =>
        Submit(new SweepCatalog(sweep, new LedgerSweepStore(stores.Ledger, stores.Blobs)), runs);

    private static void Submit(SweepCatalog catalog, int runs) =>
        catalog.Submit(SpecLoader.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, EmptyRuns, runs), "bench empty runs"));

    private static SweepsSiloOptions Options(int slots, string? name) => new() { Slots = slots, Serves = "cpu", Device = "cpu", Name = name };

    private static async Task<double> RunsPerSecondAsync(IGrainFactory grains, string sweep, int runs, CancellationToken cancel)
    {
        var grain = grains.GetGrain<ISweepGrain>(sweep);
        var clock = Stopwatch.StartNew();
        var view = await grain.Drive().ConfigureAwait(false);
        while (view.Phase is SweepPhase.Running)
        {
            await Task.Delay(Poll, cancel).ConfigureAwait(false);
            view = await grain.View().ConfigureAwait(false);
        }
        if (view.Phase is not SweepPhase.Finished) throw new InvalidOperationException($"bench: the empty-runs sweep stopped {view.Phase}: {view.Error}");
        return runs / clock.Elapsed.TotalSeconds;
    }
}
