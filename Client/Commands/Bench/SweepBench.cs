using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Activation;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// <c>sweeps bench sweep [SPEC] [--replicates 100]</c>: the orchestration overhead of the actor host (ledger,
/// leases, reports, checkpoints, blobs, aggregates, results) as wall time of a whole sweep through one silo slot
/// against the same runs trained directly through the engine, one after another on the same thread count.
/// </summary>
internal static partial class SweepBench
{
    /// <summary>The issue's target: orchestration at most 5% of the wall time.</summary>
    private const double TargetOverhead = 0.05;

    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Sweep spec", DefaultValueFactory = _ => "examples/gsnr-osgr-toy.smoke.yaml" };
        var replicates = new Option<int>("--replicates") { Description = "M per point", DefaultValueFactory = _ => 100 };
        var command = new Command("sweep", "Wall time of a sweep through the actors vs the same runs directly through the engine") { spec, replicates };
        command.SetAction(parse => ErrorReporting.Run(() => Run(parse.GetValue(spec)!, parse.GetValue(replicates))));
        return command;
    }

    private static int Run(string specPath, int replicates)
    {
        if (replicates < 1) throw new UsageException($"--replicates {replicates}: must be at least 1");
        var text = ReplicatesLine().Replace(File.ReadAllText(specPath), $"replicates: {replicates}", 1);
        var sweep = SpecLoader.Parse(text, specPath);
        NativeRuntime.SetThreads(1);
        var direct = Time(() => Direct(sweep));
        var home = Path.Combine(Path.GetTempPath(), $"sweeps-bench-{Guid.NewGuid():N}");
        try
        {
            var actors = Time(() => ThroughActors(sweep, home));
            var overhead = actors / direct - 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{sweep.Name}: {sweep.Points.Count} points × M = {replicates} = {sweep.RunCount} runs, 1 slot, 1 libtorch thread"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  engine directly: {direct:F2} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  through actors:  {actors:F2} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ratio {actors / direct:F3}: orchestration overhead {overhead:P1} (target ≤ {TargetOverhead:P0})"));
        }
        finally
        {
            if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
        }
        return ExitCodes.Ok;
    }

    /// <summary>Every run trained with the engine alone: same data, same statistics, no checkpoints, nothing stored.</summary>
    private static void Direct(SweepSpec sweep)
    {
        foreach (var point in sweep.Points)
        {
            var spec = point.Spec;
            var data = DataPlan.For(spec);
            using var test = TensorData.Upload(data.Test, spec.Model.Precision, "cpu");
            for (var m = 0; m < spec.Replicates; m++)
            {
                var train = data.TrainingSet(m);
                using var trainData = TensorData.Upload(train, spec.Model.Precision, "cpu");
                new TrainingRun(spec, m, "cpu").Execute(train, trainData, test);
            }
        }
    }

    private static void ThroughActors(SweepSpec sweep, string home)
    {
        var stores = EmbeddedStores.Open(home, create: true);
        try
        {
            var grain = new SweepGrain("bench", new LedgerSweepStore(stores.Ledger, stores.Blobs));
            grain.Submit(sweep);
            using var silo = new SiloHost(stores.Ledger, stores.Blobs, new SiloOptions { Slots = 1 });
            var progress = silo.RunUntilFinishedAsync("bench", CancellationToken.None).GetAwaiter().GetResult();
            if (!progress.Finished) throw new InvalidOperationException("bench sweep did not finish");
            grain.TryComplete(sweep);
        }
        finally
        {
            Blocking.Wait(stores.DisposeAsync().AsTask());
        }
    }

    private static double Time(Action body)
    {
        var clock = Stopwatch.StartNew();
        body();
        return clock.Elapsed.TotalSeconds;
    }

    [GeneratedRegex(@"(?m)^replicates:\s*\d+")]
    private static partial Regex ReplicatesLine();
}
