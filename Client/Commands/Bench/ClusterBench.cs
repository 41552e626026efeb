using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// <c>sweeps bench cluster --ledger postgresql://… --blobs B [--runs 600] [--silos 3] [--slots 1] [--vectors 8] [--kills 5]</c>:
/// a cluster on the shared stores beside an embedded silo. Runs scheduled and completed per second (<see cref="ClusterThroughput"/>:
/// one-step runs through <c>--silos</c> in-process silos, and through one embedded silo with as many slots); blob put /
/// get MB/s of 4 MiB moment vectors on each store; and the time from SIGKILL of a silo to its runs training again
/// elsewhere (<see cref="ClusterFailover"/>: real <c>sweeps silo</c> processes, median of <c>--kills</c>).
/// </summary>
internal static class ClusterBench
{
    private const int VectorBytes = 4 << 20;

    public static Command Create()
    {
        var stores = new StoreOptions();
        var runs = new Option<int>("--runs") { Description = "One-step runs scheduled and completed per silo kind", DefaultValueFactory = _ => 600 };
        var silos = new Option<int>("--silos") { Description = "Silos of the cluster", DefaultValueFactory = _ => 3 };
        var slots = new Option<int>("--slots") { Description = "Slots of each silo (the embedded silo gets --silos times as many)", DefaultValueFactory = _ => 1 };
        var vectors = new Option<int>("--vectors") { Description = "4 MiB vectors put and got per store", DefaultValueFactory = _ => 8 };
        var kills = new Option<int>("--kills") { Description = "Silos SIGKILLed one after another (0: no failover measurement)", DefaultValueFactory = _ => 5 };
        var command = new Command("cluster", "Runs per second and failover time of a cluster on the shared stores, and blob MB/s beside the embedded stores")
            { runs, silos, slots, vectors, kills };
        stores.AddTo(command);
        command.SetAction((parse, cancel) => Task.Run(() => ErrorReporting.Run(() => Run(stores.Read(parse), parse.GetValue(runs), parse.GetValue(silos),
            parse.GetValue(slots), parse.GetValue(vectors), parse.GetValue(kills), cancel))));
        return command;
    }

    private static int Run(StoreSettings shared, int runs, int silos, int slots, int vectors, int kills, CancellationToken cancel)
    {
        if (!shared.Shared || !PostgresConnectionString.IsPostgres(shared.Ledger ?? ""))
            throw new UsageException("bench cluster needs a cluster's stores: a PostgreSQL --ledger and --blobs (scripts/local-cluster.sh start DIR 0 starts a private pair)");
        if (runs < 1 || silos < 1 || slots < 1 || vectors < 1 || kills < 0) throw new UsageException("--runs, --silos, --slots and --vectors must be at least 1, --kills at least 0");
        NativeRuntime.SetThreads(1);
        var home = Path.Combine(Path.GetTempPath(), $"sweeps-bench-{Guid.NewGuid():N}");
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{runs} one-step runs through {silos} silos of {slots} slot(s) and through one embedded silo of {silos * slots}; {vectors} vectors of {VectorBytes >> 20} MiB"));
            Console.WriteLine("  stores                         runs/s   put MB/s   get MB/s");
            // Blobs first, on stores nothing has written to yet.
            var localBlobs = Measure(new StoreSettings(home, null, null), vectors);
            var sharedBlobs = Measure(shared, vectors);
            var local = Blocking.Wait(ClusterThroughput.EmbeddedAsync(home, runs, silos * slots, cancel));
            var cluster = Blocking.Wait(ClusterThroughput.SharedAsync(shared, runs, silos, slots, cancel));
            Print("embedded (SQLite + files)", local, localBlobs);
            Print("cluster", cluster, sharedBlobs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  cluster / embedded: runs {cluster / local:F2}×, put {sharedBlobs.Put / localBlobs.Put:F2}×, get {sharedBlobs.Get / localBlobs.Get:F2}×"));
            if (kills > 0) Failover(shared, silos, kills, cancel);
            return ExitCodes.Ok;
        }
        finally
        {
            if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
        }
    }

    private static void Failover(StoreSettings shared, int silos, int kills, CancellationToken cancel)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SIGKILL of a `sweeps silo` process of {silos}, to its runs training again elsewhere:"));
        var measured = Blocking.Wait(ClusterFailover.MeasureAsync(shared, silos, kills, kill => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {kill.Silo} ({kill.Runs} run(s)): {kill.Failover.TotalSeconds:F2} s")), cancel));
        var seconds = measured.Select(k => k.Failover.TotalSeconds).Order().ToArray();
        var median = seconds.Length % 2 == 1 ? seconds[seconds.Length / 2] : (seconds[seconds.Length / 2 - 1] + seconds[seconds.Length / 2]) / 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  median of {seconds.Length} kills: {median:F2} s (fastest {seconds[0]:F2} s, slowest {seconds[^1]:F2} s)"));
    }

    private sealed record BlobFigures(string Stores, double Put, double Get);

    private static void Print(string label, double runsPerSecond, BlobFigures blobs) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {label,-30} {runsPerSecond,6:F0} {blobs.Put,10:F1} {blobs.Get,10:F1}   ({blobs.Stores})"));

    private static BlobFigures Measure(StoreSettings settings, int vectors)
    {
        var sweep = $"bench-{Guid.NewGuid():N}"[..20];
        var stores = SweepStores.Open(settings, create: true);
        try
        {
            var (put, get) = Blobs(stores.Blobs, sweep, vectors);
            return new BlobFigures(stores.Description, put, get);
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }

    /// <summary>MB/s (10⁶ bytes) of putting and then getting <paramref name="count"/> 4 MiB vectors one after another; deletes them.</summary>
    private static (double Put, double Get) Blobs(IBlobStore blobs, string sweep, int count)
    {
        var content = new byte[VectorBytes];
        new Random(7).NextBytes(content);
        var keys = Enumerable.Range(0, count).Select(i => $"{BlobKeys.Sweep(sweep)}bench/{i:D4}.bin").ToArray();
        var clock = Stopwatch.StartNew();
        foreach (var key in keys) Blocking.Wait(blobs.PutAsync(key, content));
        var put = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (var key in keys)
        {
            var blob = Blocking.Wait(blobs.GetAsync(key)) ?? throw new InvalidOperationException($"bench: blob '{key}' vanished");
            if (blob.Content.Length != VectorBytes) throw new InvalidOperationException($"bench: blob '{key}' came back with {blob.Content.Length} bytes");
        }
        var get = clock.Elapsed.TotalSeconds;
        foreach (var key in keys) Blocking.Wait(blobs.DeleteAsync(key));
        var megabytes = count * (double)VectorBytes / 1e6;
        return (megabytes / put, megabytes / get);
    }
}
