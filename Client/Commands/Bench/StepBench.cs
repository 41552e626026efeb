using System.CommandLine;
using System.Globalization;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// <c>sweeps bench step</c>: wall time of one full-batch gradient-descent step on MNIST-shaped inputs,
/// for each libtorch thread count from 1 to the core count, measured side by side in one process.
/// </summary>
internal static class StepBench
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "mlp (784→256→256→10), gsnr-cnn or lenet5", DefaultValueFactory = _ => "gsnr-cnn" };
        var p = new Option<int>("--p") { Description = "channel parameter of gsnr-cnn", DefaultValueFactory = _ => 16 };
        var batch = new Option<int>("--batch") { Description = "examples per full-batch step", DefaultValueFactory = _ => 1000 };
        var repeat = new Option<int>("--repeat") { Description = "timed steps per configuration (median reported)", DefaultValueFactory = _ => 20 };
        var step = new Command("step", "Time one full-batch training step per thread count") { model, p, batch, repeat };
        step.SetAction(parse => ErrorReporting.Run(() =>
            Step(parse.GetValue(model)!, parse.GetValue(p), parse.GetValue(batch), parse.GetValue(repeat))));
        return step;
    }

    private static int Step(string modelName, int p, int batch, int repeat)
    {
        var kind = BenchKit.ParseModel(modelName);
        if (repeat < 1) throw new UsageException($"--repeat {repeat}: must be at least 1");
        var examples = BenchKit.Mnist(batch);
        var spec = new ModelSpec(kind, [256, 256], Activation.Relu, p, [], InitScheme.Pytorch, Precision.Float32, true);
        var architecture = ModelArchitecture.For(spec, examples.ExampleShape, 10);
        var training = new TrainingSpec(OptimizerKind.Gd, 1, batch, 1e-3, new ScheduleSpec(ScheduleKind.Constant, 1, 0, 2), 0, 0, new AdamSpec(0.9, 0.999, 1e-8));
        Console.WriteLine(NativeRuntime.Describe().Split('\n')[0]);
        Console.WriteLine("model,batch,threads,step_ms");
        using var data = TensorData.Upload(examples, Precision.Float32, "cpu");
        for (var threads = 1; threads <= Environment.ProcessorCount; threads++)
        {
            NativeRuntime.SetThreads(threads);
            using var net = NativeModel.Create(architecture, Precision.Float32, "cpu", 1, InitScheme.Pytorch);
            using var trainer = Trainer.Create(net, training, 1);
            var median = BenchKit.MedianMs(repeat, () => trainer.Step(data, default, 1e-3));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{modelName},{batch},{threads},{median:F2}"));
        }
        return ExitCodes.Ok;
    }
}
