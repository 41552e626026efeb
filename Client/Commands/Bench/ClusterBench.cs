using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// <c>sweeps bench cluster --ledger L --blobs B [--runs N] [--silos 3] [--blobs-count 8]</c>: the shared stores'
/// throughput beside the embedded adapters', in one process: ledger claim + complete of empty runs by
/// <c>--silos</c> concurrent claimers (each with its own connection pool, as separate silos would have), and
/// blob put / get of 4 MiB moment vectors. Each adapter works in a fresh sweep (and key prefix) it deletes after.
/// </summary>
internal static class ClusterBench
{
    private const int VectorBytes = 4 << 20;

    public static Command Create()
    {
        var stores = new StoreOptions();
        var runs = new Option<int>("--runs") { Description = "Empty runs claimed and completed per adapter", DefaultValueFactory = _ => 600 };
        var silos = new Option<int>("--silos") { Description = "Concurrent claimers", DefaultValueFactory = _ => 3 };
        var vectors = new Option<int>("--vectors") { Description = "4 MiB vectors put and got per adapter", DefaultValueFactory = _ => 8 };
        var command = new Command("cluster", "Ledger claim/complete throughput and blob MB/s of the shared stores beside the embedded ones") { runs, silos, vectors };
        stores.AddTo(command);
        command.SetAction(parse => ErrorReporting.Run(() =>
            Run(stores.Read(parse), parse.GetValue(runs), parse.GetValue(silos), parse.GetValue(vectors))));
        return command;
    }

    private static int Run(StoreSettings shared, int runs, int silos, int vectors)
    {
        if (!shared.Shared) throw new UsageException("bench cluster compares shared stores with the embedded ones: give --ledger and --blobs (scripts/local-cluster.sh start DIR 0 starts a private pair)");
        if (runs < silos || silos < 1 || vectors < 1) throw new UsageException("--runs must be at least --silos, and --silos and --vectors at least 1");
        var home = Path.Combine(Path.GetTempPath(), $"sweeps-bench-{Guid.NewGuid():N}");
        try
        {
            var embedded = new StoreSettings(home, null, null);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{runs} empty runs claimed and completed by {silos} claimers; {vectors} vectors of {VectorBytes >> 20} MiB"));
            Console.WriteLine("  adapter                        claim+complete/s   put MB/s   get MB/s");
            var local = Measure(embedded, runs, silos, vectors);
            var cluster = Measure(shared, runs, silos, vectors);
            Print("embedded (SQLite + files)", local);
            Print("shared", cluster);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  shared / embedded: ledger {cluster.RunsPerSecond / local.RunsPerSecond:F2}×, put {cluster.PutMBs / local.PutMBs:F2}×, get {cluster.GetMBs / local.GetMBs:F2}×"));
            return ExitCodes.Ok;
        }
        finally
        {
            if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
        }
    }

    private sealed record Figures(string Stores, double RunsPerSecond, double PutMBs, double GetMBs);

    private static void Print(string label, Figures f) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {label,-30} {f.RunsPerSecond,16:F0} {f.PutMBs,10:F1} {f.GetMBs,10:F1}   ({f.Stores})"));

    private static Figures Measure(StoreSettings settings, int runs, int silos, int vectors)
    {
        var sweep = $"bench-{Guid.NewGuid():N}"[..20];
        var claimers = Enumerable.Range(0, silos).Select(_ => SweepStores.Open(settings, create: true)).ToArray();
        try
        {
            var first = claimers[0];
            Blocking.Wait(first.Ledger.RegisterSweepAsync(new SweepDefinition(sweep, $"name: {sweep}", [new PointDefinition(0, "empty", runs)])));
            var clock = Stopwatch.StartNew();
            var done = Task.WhenAll(claimers.Select((c, i) => Task.Run(() => ClaimUntilEmpty(c.Ledger, $"{sweep}-silo{i}")))).GetAwaiter().GetResult().Sum();
            var ledgerSeconds = clock.Elapsed.TotalSeconds;
            if (done != runs) throw new InvalidOperationException($"bench: {done} of {runs} runs completed");
            Blocking.Wait(first.Ledger.CancelSweepAsync(sweep));
            var (put, get) = Blobs(first.Blobs, sweep, vectors);
            return new Figures(first.Description, runs / ledgerSeconds, put, get);
        }
        finally
        {
            foreach (var c in claimers) Blocking.Wait(c.DisposeAsync().AsTask());
        }
    }

    /// <summary>Claims one run at a time and completes it at once, as a silo with one slot and empty runs would.</summary>
    private static async Task<int> ClaimUntilEmpty(ILedger ledger, string owner)
    {
        var completed = 0;
        while (true)
        {
            var claims = await ledger.ClaimRunsAsync(owner, 1, TimeSpan.FromMinutes(1)).ConfigureAwait(false);
            if (claims.Count == 0) return completed;
            foreach (var claim in claims)
                if (await ledger.CompleteRunAsync(claim.Lease).ConfigureAwait(false)) completed++;
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
