using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text.RegularExpressions;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Silo.Sites;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// <c>sweeps bench sweep [SPEC] [--replicates 100] [--rounds 3]</c>: the orchestration overhead of the Orleans actors
/// (grain calls, run states, catalog, reports, checkpoints, blobs, aggregates, results), measured two ways: as wall
/// time of a whole sweep through an embedded silo of one slot (<see cref="ActorSweep"/>) against the same runs trained
/// directly through the engine, one after another on the same thread count (the two are separate runs, so the
/// machine's drift between them shows in the ratio); and within the sweep through the actors, as its wall time less
/// the engine's training time in it (<see cref="TrainingTimes"/>), which drift cannot split.
/// </summary>
internal static partial class SweepBench
{
    /// <summary>The issue's target: orchestration at most 5% of the wall time.</summary>
    private const double TargetOverhead = 0.05;

    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Sweep spec", DefaultValueFactory = _ => "examples/gsnr-osgr-toy.smoke.yaml" };
        var replicates = new Option<int>("--replicates") { Description = "M per point", DefaultValueFactory = _ => 100 };
        var rounds = new Option<int>("--rounds") { Description = "Interleaved repetitions; each variant's fastest counts", DefaultValueFactory = _ => 3 };
        var command = new Command("sweep", "Wall time of a sweep through the actors vs the same runs directly through the engine") { spec, replicates, rounds };
        command.SetAction(parse => ErrorReporting.Run(() => Run(parse.GetValue(spec)!, parse.GetValue(replicates), parse.GetValue(rounds))));
        return command;
    }

    private static int Run(string specPath, int replicates, int rounds)
    {
        if (replicates < 1) throw new UsageException($"--replicates {replicates}: must be at least 1");
        if (rounds < 1) throw new UsageException($"--rounds {rounds}: must be at least 1");
        var text = ReplicatesLine().Replace(File.ReadAllText(specPath), $"replicates: {replicates}", 1);
        var sweep = SpecLoader.Parse(text, specPath);
        NativeRuntime.SetThreads(1);
        var defaults = new SweepsSiloOptions().CheckpointMinInterval;
        var variants = new (string Label, TimeSpan Interval, double? Target)[]
        {
            ($"through actors (default: periodic checkpoints at least {defaults.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s apart)", defaults, TargetOverhead),
            ($"through actors, a checkpoint every {sweep.Points[0].Spec.CheckpointEvery} updates (--checkpoint-interval 0)", TimeSpan.Zero, null),
        };
        // The homes are deleted at the end only: ext4 skips recently deleted inodes when it allocates one, and deleting
        // a home just before the next variant made that variant's blob puts measurably slower (kernel time in find_inode_bit).
        var homes = Path.Combine(Path.GetTempPath(), $"sweeps-bench-{Guid.NewGuid():N}");
        double direct;
        ActorSweep.Measurement[] actors;
        try
        {
            (direct, actors) = Rounds(sweep, variants.Select(v => v.Interval).ToArray(), rounds, homes);
        }
        finally
        {
            if (Directory.Exists(homes)) Directory.Delete(homes, recursive: true);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sweep.Name}: {sweep.Points.Count} points × M = {replicates} = {sweep.RunCount} runs, 1 slot, 1 libtorch thread, fastest of {rounds} rounds"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  engine directly: {direct:F2} s"));
        for (var v = 0; v < variants.Length; v++) Print(variants[v].Label, actors[v], direct, variants[v].Target, sweep.RunCount);
        return ExitCodes.Ok;
    }

    /// <summary>The engine alone and each checkpoint interval through the actors, <paramref name="rounds"/> times: each one's fastest.</summary>
    private static (double Direct, ActorSweep.Measurement[] Actors) Rounds(SweepSpec sweep, TimeSpan[] intervals, int rounds, string homes)
    {
        // Rounds interleave the variants, in reverse order every other round, and keep each one's fastest time: load
        // on a shared machine drifts. Each round's own ratios are printed too, as a measure of that drift.
        var direct = double.MaxValue;
        var actors = new ActorSweep.Measurement[intervals.Length];
        for (var round = 0; round < rounds; round++)
        {
            var order = Enumerable.Range(-1, intervals.Length + 1).ToArray();
            if (round % 2 == 1) Array.Reverse(order);
            var times = new double[intervals.Length + 1];
            foreach (var v in order)
            {
                if (v < 0)
                {
                    times[0] = Time(() => OnOwnThread(() => Direct(sweep)));
                    direct = Math.Min(direct, times[0]);
                    continue;
                }
                var measured = ActorSweep.Time(sweep, intervals[v], Path.Combine(homes, $"round{round + 1}-{v}"));
                times[v + 1] = measured.Seconds;
                if (actors[v] is null || measured.Seconds < actors[v].Seconds) actors[v] = measured;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: engine {times[0]:F2} s; through actors {string.Join(", ", times.Skip(1).Select(t => $"{t:F2} s ({t / times[0]:F3})"))}"));
        }
        return (direct, actors);
    }

    private static void Print(string label, ActorSweep.Measurement actors, double direct, double? target, int runs)
    {
        Console.WriteLine($"  {label}:");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {actors.Seconds:F2} s, ratio {actors.Seconds / direct:F3}: orchestration overhead {actors.Seconds / direct - 1:P1}{(target is { } t ? $" (target ≤ {t:P0})" : "")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    in this run: engine training {actors.EngineSeconds:F2} s; the rest, {actors.Seconds - actors.EngineSeconds:F2} s ({1 - actors.EngineSeconds / actors.Seconds:P1} of the wall time), is orchestration:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"      {actors.SlotSeconds - actors.EngineSeconds:F2} s on the slot outside the engine (its start, data, checkpoints and their reports, moment vectors, progress)," +
            $" {actors.Seconds - actors.SlotSeconds:F2} s with the slot idle (between runs, the last conclusion, aggregates and results; silo start and stop {actors.HostingSeconds:F2} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    the process used {actors.CpuSeconds:F2} s of CPU meanwhile (the training's, and the silo's own work on the other core beside it)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    ledger {actors.LedgerSeconds:F2} s, blobs {actors.BlobSeconds:F2} s ({1000 * (actors.LedgerSeconds + actors.BlobSeconds) / runs:F2} ms per run); the largest:"));
        foreach (var line in actors.Largest) Console.WriteLine(line);
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

    /// <summary>
    /// Runs <paramref name="body"/> on a thread of its own, as a silo slot runs its runs: each thread has its own
    /// malloc arena and libtorch thread state, so both sides of the ratio train on the same kind of thread.
    /// </summary>
    private static void OnOwnThread(Action body)
    {
        Exception? failed = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                failed = e;
            }
        }) { Name = "bench direct" };
        thread.Start();
        thread.Join();
        if (failed is not null) ExceptionDispatchInfo.Throw(failed);
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
