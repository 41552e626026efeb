using System.CommandLine;
using System.Globalization;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Statistics;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// <c>sweeps bench memory</c>: the extra peak memory (resident set) of full-batch gradient moments of the
/// GSNR CNN, beyond the data and model already in memory. Linux only: resets the peak with
/// /proc/self/clear_refs and reads VmHWM from /proc/self/status.
/// </summary>
internal static class MemoryBench
{
    public static Command Create()
    {
        var p = new Option<int>("--p") { Description = "channel parameter of gsnr-cnn", DefaultValueFactory = _ => 20 };
        var examples = new Option<int>("--examples") { Description = "training examples", DefaultValueFactory = _ => 15_000 };
        var chunk = new Option<int>("--chunk") { Description = "examples per native chunk", DefaultValueFactory = _ => GradientMoments.DefaultChunk };
        var command = new Command("memory", "Extra peak memory of full-batch gradient moments (GSNR CNN)") { p, examples, chunk };
        command.SetAction(parse => ErrorReporting.Run(() => Run(parse.GetValue(p), parse.GetValue(examples), parse.GetValue(chunk))));
        return command;
    }

    private static int Run(int p, int count, int chunk)
    {
        if (!File.Exists("/proc/self/clear_refs")) throw new UsageException("bench memory needs Linux /proc");
        NativeRuntime.SetThreads(Environment.ProcessorCount);
        using var data = TensorData.Upload(BenchKit.Mnist(count), Precision.Float32, "cpu");
        using var model = BenchKit.Model(ModelKind.GsnrCnn, p);
        GradientMoments.Compute(model, data, [0, 1], signs: true); // warm-up: allocator, kernels
        GC.Collect();
        File.WriteAllText("/proc/self/clear_refs", "5"); // reset VmHWM to the current resident set
        var before = ReadKiB("VmHWM");
        GradientMoments.Compute(model, data, [], signs: true, chunk);
        var extra = (ReadKiB("VmHWM") - before) / 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gsnr-cnn p={p}, {count} examples, chunk {chunk}: extra peak memory {extra:F0} MiB (target ≤ 512 MiB)"));
        return ExitCodes.Ok;
    }

    private static long ReadKiB(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
