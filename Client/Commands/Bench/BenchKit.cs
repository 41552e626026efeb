using System.Diagnostics;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>What the benchmarks share: MNIST-shaped inputs, the benchmark models, median timing.</summary>
internal static class BenchKit
{
    public static ModelKind ParseModel(string name) =>
        // The benches feed MNIST images, so the CIFAR-10 CNN (3×32×32 inputs) is not one of their models.
        Enum.TryParse<ModelKind>(name.Replace("-", ""), ignoreCase: true, out var kind) && kind != ModelKind.CifarCnn
            ? kind
            : throw new UsageException($"--model '{name}': expected mlp, gsnr-cnn or lenet5");

    /// <summary>The first <paramref name="count"/> MNIST training images (real data: ReLU patterns as in training).</summary>
    public static Examples Mnist(int count)
    {
        if (count is < 1 or > 60_000) throw new UsageException($"--batch {count}: must lie in [1, 60000]");
        return MnistFiles.LoadTrain().Select(Enumerable.Range(0, count).ToArray());
    }

    /// <summary>mlp is 784→256→256→10; gsnr-cnn takes p; lenet5 is fixed.</summary>
    public static NativeModel Model(ModelKind kind, int p, Precision precision = Precision.Float32)
    {
        var spec = new ModelSpec(kind, [256, 256], Activation.Relu, p, [], InitScheme.Pytorch, precision, true);
        return NativeModel.Create(ModelArchitecture.For(spec, [1, 28, 28], 10), precision, "cpu", 1, InitScheme.Pytorch);
    }

    /// <summary>Median wall time of <paramref name="repeat"/> calls after one warm-up call, in ms.</summary>
    public static double MedianMs(int repeat, Action body)
    {
        body();
        var times = new double[repeat];
        for (var i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            body();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[repeat / 2];
    }

    public static double Median(IReadOnlyList<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>This console again with <paramref name="args"/>: under <c>dotnet sweeps.dll</c> the process is the dotnet host and needs the dll; the apphost does not.</summary>
    public static ProcessStartInfo ThisConsole(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    public static double OnceMs(Action body)
    {
        var clock = Stopwatch.StartNew();
        body();
        return clock.Elapsed.TotalMilliseconds;
    }
}
