using System.CommandLine;
using System.Globalization;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// <c>sweeps bench step</c>: wall time of one full-batch gradient-descent step on MNIST images, for each
/// libtorch thread count from 1 to the core count. Each count runs in a fresh child process: libtorch sets its
/// thread pool up once, and changing the count afterwards makes every later step 2–3× slower (measured).
/// With <c>--baseline</c> (the sweeps.dll of another build, e.g. the C++ engine's) each count runs
/// alternately in our processes and the baseline's, <c>--rounds</c> times, medians side by side.
/// </summary>
internal static class StepBench
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "mlp (784→256→256→10), gsnr-cnn or lenet5", DefaultValueFactory = _ => "gsnr-cnn" };
        var p = new Option<int>("--p") { Description = "channel parameter of gsnr-cnn", DefaultValueFactory = _ => 16 };
        var batch = new Option<int>("--batch") { Description = "examples per full-batch step", DefaultValueFactory = _ => 1000 };
        var repeat = new Option<int>("--repeat") { Description = "timed steps per configuration (median reported)", DefaultValueFactory = _ => 20 };
        var threads = new Option<int?>("--threads") { Description = "measure only this thread count, in this process" };
        var baseline = new Option<string?>("--baseline") { Description = "sweeps.dll of another build to compare with, in alternating processes" };
        var rounds = new Option<int>("--rounds") { Description = "alternating processes per engine and thread count (with --baseline)", DefaultValueFactory = _ => 3 };
        var step = new Command("step", "Time one full-batch training step per thread count") { model, p, batch, repeat, threads, baseline, rounds };
        step.SetAction(parse => ErrorReporting.Run(() =>
        {
            var (name, pp, b, r) = (parse.GetValue(model)!, parse.GetValue(p), parse.GetValue(batch), parse.GetValue(repeat));
            if (parse.GetValue(threads) is { } only) return Measure(name, pp, b, r, only);
            var compare = parse.GetValue(baseline);
            Console.WriteLine(NativeRuntime.Describe().Split('\n')[0]);
            Console.WriteLine(compare is null ? "model,batch,threads,step_ms" : "model,batch,threads,step_ms,baseline_step_ms,ratio_vs_baseline");
            for (var t = 1; t <= Environment.ProcessorCount; t++)
            {
                string[] args = ["bench", "step", "--model", name, "--p", $"{pp}", "--batch", $"{b}", "--repeat", $"{r}", "--threads", $"{t}"];
                if (compare is null)
                {
                    Console.WriteLine(ChildProcess.Run(args).Last());
                    continue;
                }
                var (ours, theirs) = (new List<double>(), new List<double>());
                for (var round = 0; round < Math.Max(1, parse.GetValue(rounds)); round++)
                {
                    ours.Add(StepMs(ChildProcess.Run(args)));
                    theirs.Add(StepMs(ChildProcess.Run(args, compare)));
                }
                var (o, c) = (BenchKit.Median(ours), BenchKit.Median(theirs));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name},{b},{t},{o:F2},{c:F2},{o / c:F3}"));
            }
            return ExitCodes.Ok;
        }));
        return step;
    }

    private static int Measure(string modelName, int p, int batch, int repeat, int threads)
    {
        var kind = BenchKit.ParseModel(modelName);
        if (repeat < 1) throw new UsageException($"--repeat {repeat}: must be at least 1");
        if (threads < 1) throw new UsageException($"--threads {threads}: must be at least 1");
        NativeRuntime.SetThreads(threads);
        var examples = BenchKit.Mnist(batch);
        var training = new TrainingSpec(OptimizerKind.Gd, 1, batch, 1e-3, new ScheduleSpec(ScheduleKind.Constant, 1, 0, 2), 0, 0, new AdamSpec(0.9, 0.999, 1e-8));
        using var data = TensorData.Upload(examples, Precision.Float32, "cpu");
        using var net = BenchKit.Model(kind, p);
        using var trainer = Trainer.Create(net, training, 1);
        var median = BenchKit.MedianMs(repeat, () => trainer.Step(data, default, 1e-3));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{modelName},{batch},{threads},{median:F2}"));
        return ExitCodes.Ok;
    }

    /// <summary>step_ms from a child's CSV line "model,batch,threads,step_ms".</summary>
    private static double StepMs(string[] lines) => double.Parse(lines.Last().Split(',')[3], CultureInfo.InvariantCulture);
}
