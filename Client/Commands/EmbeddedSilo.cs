using System.Text.RegularExpressions;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Client.Hosting;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Results;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Placement;
using Microsoft.Extensions.DependencyInjection;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// What <c>run</c> and <c>resume</c> share: checking the device, slots and threads, hosting one silo on the
/// home until the sweep finishes (with live progress), then writing and printing its results.
/// </summary>
internal static partial class EmbeddedSilo
{
    /// <summary>Checks the settings and the data files before anything is written; sets libtorch's threads (process-global, so once, before any work).</summary>
    public static void Prepare(SiloSettings settings, SweepSpec sweep)
    {
        Check(settings);
        foreach (var wanted in sweep.Points.Select(p => settings.Device ?? p.Spec.Device).Distinct()) CheckDevice(wanted);
        DataCheck.Require(sweep);
    }

    /// <summary>Checks the options every silo-hosting verb shares; sets libtorch's threads (process-global, once, before any work).</summary>
    public static void Check(SiloSettings settings)
    {
        if (settings.Device is not null) CheckDevice(settings.Device);
        if (settings.Slots is < 1) throw new UsageException($"--slots {settings.Slots}: must be at least 1");
        if (settings.Threads is < 1) throw new UsageException($"--threads {settings.Threads}: must be at least 1");
        if (settings.CheckpointInterval is < 0 or > 86400 || settings.CheckpointInterval is double.NaN)
            throw new UsageException($"--checkpoint-interval {settings.CheckpointInterval}: must be 0 to 86400 seconds");
        NativeRuntime.SetThreads(settings.Threads ?? 1);
    }

    /// <summary>
    /// One embedded silo per home at a time: a second process would be a cluster of its own training the same runs (the
    /// runs' ETags would fence one off, after wasted work). The lock is taken before the sweep is registered, so a refused
    /// <c>run</c> writes nothing; it dies with its process, even by SIGKILL. Null on shared stores (many silos share them).
    /// </summary>
    public static HomeLock? LockHome(StoreSettings stores)
    {
        if (stores.Shared) return null;
        Directory.CreateDirectory(stores.Home);
        return HomeLock.Acquire(stores.Home);
    }

    /// <summary>Hosts a silo until the sweep stops; on a home, the caller holds its lock (<see cref="LockHome"/>).</summary>
    public static int Host(SweepStores stores, SweepCatalog grain, SweepSpec sweep, SiloSettings settings, CancellationToken cancel)
    {
        var before = grain.Progress();
        if (before.RunsEnded == before.Runs) Console.Error.WriteLine($"sweep {grain.Id}: all {Counted.Of(before.Runs, "run")} already done");
        if (stores.Home is not { } home) return HostOnSharedStores(stores, grain, sweep, settings, before, cancel);
        var health = new SiloHealth();
        SweepView view;
        using (HealthEndpoint.Start(settings.Lifecycle.Health, health))
        {
            view = SweepProgressDisplay.Show(sweep, grain.Id, before, observer =>
                Blocking.Wait(DriveEmbeddedAsync(home, stores, grain.Id, SiloOptions(settings, sweep, observer), settings.Lifecycle.GracePeriod, health, cancel)));
        }
        return Ended(stores, grain, sweep, view);
    }

    /// <summary>Hosts the embedded silo until the sweep's grain stops (finished, cancelled, failed); a cancel stops the silo, which drains.</summary>
    private static async Task<SweepView> DriveEmbeddedAsync(
        SweepHome home, SweepStores stores, string sweep, SweepsSiloOptions options, TimeSpan grace, SiloHealth health, CancellationToken cancel)
    {
        // The home's lock is held: runs a dead process left running are trained by no one.
        await stores.Ledger.RequeueRunningAsync(cancel).ConfigureAwait(false);
        var cluster = await EmbeddedCluster.StartAsync(home.Root, InstrumentedLedger.Wrap(stores.Ledger), InstrumentedBlobStore.Wrap(stores.Blobs),
            options, grace, cancel).ConfigureAwait(false);
        await using (cluster.ConfigureAwait(false))
        {
            health.LedgerAnswered();
            try
            {
                var stopped = cluster.Watch.StoppedAsync(sweep, cancel);
                var view = await cluster.Grains.GetGrain<ISweepGrain>(sweep).Drive().ConfigureAwait(false);
                return view.Phase is SweepPhase.Running ? await stopped.ConfigureAwait(false) : view;
            }
            finally
            {
                health.StartedDraining();
                var abandoned = await cluster.StopAsync().ConfigureAwait(false);
                // Nothing trains on this home now: what a drain left running is queued for the next run.
                await stores.Ledger.RequeueRunningAsync(CancellationToken.None).ConfigureAwait(false);
                if (abandoned.Count > 0) throw new DrainTimeoutException(grace, abandoned);
            }
        }
    }

    /// <summary>The embedded silo's options from the command line: slots default to one per core (one per GPU for CUDA sweeps).</summary>
    internal static SweepsSiloOptions SiloOptions(SiloSettings settings, SweepSpec sweep, ISweepObserver observer) =>
        SiloOptions(settings with { Slots = settings.Slots ?? DefaultSlots(sweep, settings.Device) }, observer);

    /// <summary>A silo's options from the command line (<paramref name="settings"/> name its slots).</summary>
    internal static SweepsSiloOptions SiloOptions(SiloSettings settings, ISweepObserver? observer) => new()
    {
        Slots = settings.Slots ?? Environment.ProcessorCount,
        Device = settings.Device,
        CheckpointMinInterval = settings.CheckpointInterval is { } seconds ? TimeSpan.FromSeconds(seconds) : new SweepsSiloOptions().CheckpointMinInterval,
        Observer = observer,
        Warn = warning => Console.Error.WriteLine($"warning: {warning.ReplaceLineEndings(" ")}"),
    };

    /// <summary>
    /// On shared stores this process joins the cluster as a silo (free ports, the host's address) until the sweep
    /// stops; other silos train its runs too. A cluster keeps its membership and run states in PostgreSQL.
    /// </summary>
    private static int HostOnSharedStores(SweepStores stores, SweepCatalog grain, SweepSpec sweep, SiloSettings settings, SweepProgress before, CancellationToken cancel)
    {
        if (!PostgresConnectionString.IsPostgres(settings.Stores.Ledger ?? ""))
            throw new UsageException("a sweep on shared stores runs on a cluster, whose membership and run states need a PostgreSQL --ledger (on one machine, use --home)");
        var health = new SiloHealth();
        SweepView view;
        using (HealthEndpoint.Start(settings.Lifecycle.Health, health))
        {
            view = SweepProgressDisplay.Show(sweep, grain.Id, before, observer =>
                Blocking.Wait(JoinAndDriveAsync(stores, settings, grain.Id, SiloOptions(settings, sweep, observer), health, cancel)));
        }
        return Ended(stores, grain, sweep, view);
    }

    private static async Task<SweepView> JoinAndDriveAsync(SweepStores stores, SiloSettings settings, string sweep, SweepsSiloOptions options, SiloHealth health, CancellationToken cancel)
    {
        var cluster = new ClusterSettings { SiloPort = FreePort.Next(), GatewayPort = FreePort.Next() };
        var host = await ClusterHosting.StartSiloAsync(settings.Stores.Ledger!, InstrumentedLedger.Wrap(stores.Ledger), InstrumentedBlobStore.Wrap(stores.Blobs),
            options, cluster, settings.Lifecycle.GracePeriod, cancel).ConfigureAwait(false);
        health.LedgerAnswered();
        try
        {
            var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISweepGrain>(sweep);
            var view = await grain.Drive().ConfigureAwait(false);
            // The sweep's grain may live on another silo: ask it, rather than watch this one.
            while (view.Phase is SweepPhase.Running)
            {
                health.Ticked();
                await Task.Delay(SharedPoll, cancel).ConfigureAwait(false);
                view = await grain.View().ConfigureAwait(false);
            }
            return view;
        }
        finally
        {
            health.StartedDraining();
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            var abandoned = host.Services.GetRequiredService<SiloDrain>().Abandoned;
            host.Dispose();
            if (abandoned.Count > 0) throw new DrainTimeoutException(settings.Lifecycle.GracePeriod, abandoned.Select(r => r.ToString()).ToArray());
        }
    }

    /// <summary>How often a console that joined a cluster asks the sweep's grain how it stands.</summary>
    private static readonly TimeSpan SharedPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>The exit of a hosting verb: the report of a finished sweep, or why it stopped.</summary>
    private static int Ended(SweepStores stores, SweepCatalog grain, SweepSpec sweep, SweepView view)
    {
        switch (view.Phase)
        {
            case SweepPhase.Failed:
                throw new IOException(view.Error ?? $"sweep {grain.Id} stopped with an error");
            case SweepPhase.Cancelled:
                var progress = grain.Progress();
                Console.Error.WriteLine($"sweep {grain.Id} was cancelled: {Counted.OfTotal(progress.RunsEnded, progress.Runs, "run")} ended; `sweeps resume {grain.Id}` continues it");
                return ExitCodes.Interrupted;
            default:
                return Report(stores, grain, sweep);
        }
    }

    private static int Report(SweepStores stores, SweepCatalog grain, SweepSpec sweep)
    {
        var (_, summaries) = SweepCompletion.Write(grain, sweep, stores.Blobs);
        SummaryTable.Write(sweep, summaries);
        var failed = summaries.Sum(s => s.Failed);
        var where = stores.SweepLocation(grain.Id);
        if (failed > 0)
        {
            Console.WriteLine($"sweep {grain.Id}: {Counted.Of(sweep.RunCount - failed, "run")} complete, {failed} failed (see failure.txt beside their curves); results under {where}");
            Console.Error.WriteLine($"error: sweep {grain.Id}: {Counted.OfTotal(failed, sweep.RunCount, "run")} failed");
            return ExitCodes.Failed;
        }
        Console.WriteLine($"sweep {grain.Id}: {Counted.Of(sweep.RunCount, "run")} complete; curves under {where}; `sweeps results {grain.Id}` shows {ResultsHint.For(sweep, summaries)}");
        return ExitCodes.Ok;
    }

    /// <summary>One slot per core for CPU runs; one per visible GPU when every point runs on CUDA.</summary>
    private static int DefaultSlots(SweepSpec sweep, string? device)
    {
        var cuda = sweep.Points.All(p => (device ?? p.Spec.Device).StartsWith("cuda", StringComparison.Ordinal));
        return cuda ? Math.Max(1, NativeRuntime.CudaDeviceCount()) : Environment.ProcessorCount;
    }

    private static void CheckDevice(string device)
    {
        if (device == "cpu") return;
        if (!DevicePattern().IsMatch(device)) throw new UsageException($"--device '{device}': expected cpu, cuda or cuda:i");
        var count = NativeRuntime.CudaDeviceCount();
        var index = device == "cuda" ? 0 : int.Parse(device.AsSpan(5));
        if (index >= count)
            throw new UsageException($"device '{device}': this machine's libtorch sees {count} CUDA device(s)");
    }

    [GeneratedRegex("^cuda(:[0-9]+)?$")]
    private static partial Regex DevicePattern();
}
