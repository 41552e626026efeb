using System.CommandLine;
using System.Globalization;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Training;
using Spectre.Console;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// <c>sweeps bench regularizers</c>: one SGD step of LeNet-5 on a minibatch of MNIST images with each regulariser,
/// side by side in one process, against the plain step. Every regulariser has its own model and trainer from the
/// same θ0; rounds call the steps alternately so noise on a shared machine hits them alike (medians of all calls).
/// </summary>
internal static class RegularizerBench
{
    private const string Header = "regularizer,step_ms,ratio_vs_plain";
    private const double Lambda = 1e-3;

    /// <summary>The compared configurations (SCIENCE.md §3–§5); winsorize uses c = 2.</summary>
    private static readonly (string Name, RegularizationSpec Spec, double WeightDecay)[] Configurations =
    [
        ("plain", RegularizationSpec.None, 0),
        ("weight_decay", RegularizationSpec.None, 5e-4),
        ("dropout", RegularizationSpec.None with { Dropout = 0.5 }, 0),
        ("grad_norm", RegularizationSpec.None with { GradNorm = Lambda }, 0),
        ("mgs_trace", RegularizationSpec.None with { MgsTrace = Lambda }, 0),
        ("mgs_logdet", RegularizationSpec.None with { MgsLogDet = Lambda }, 0),
        ("datagrad", RegularizationSpec.None with { DataGrad = Lambda }, 0),
        ("spectreg", RegularizationSpec.None with { SpectReg = Lambda }, 0),
        ("winsorize", RegularizationSpec.None with { WinsorizeC = 2 }, 0),
    ];

    public static Command Create()
    {
        var batch = new Option<int>("--batch") { Description = "examples per minibatch step (≥ 5 for winsorize c = 2)", DefaultValueFactory = _ => 32 };
        var repeat = new Option<int>("--repeat") { Description = "timed steps per regulariser per round", DefaultValueFactory = _ => 5 };
        var rounds = new Option<int>("--rounds") { Description = "interleaved rounds (median over all timed steps)", DefaultValueFactory = _ => 3 };
        var format = new Option<string>("--format") { Description = "table or csv", DefaultValueFactory = _ => "table" };
        var command = new Command("regularizers", "One LeNet-5 training step with each regulariser vs the plain step") { batch, repeat, rounds, format };
        command.SetAction(parse => ErrorReporting.Run(() =>
            Run(parse.GetValue(batch), parse.GetValue(repeat), parse.GetValue(rounds), parse.GetValue(format)!)));
        return command;
    }

    private static int Run(int batch, int repeat, int rounds, string format)
    {
        if (batch < 5) throw new UsageException($"--batch {batch}: must be at least 5 (winsorize c = 2 needs 2c+1)");
        if (repeat < 1) throw new UsageException($"--repeat {repeat}: must be at least 1");
        if (rounds < 1) throw new UsageException($"--rounds {rounds}: must be at least 1");
        if (format is not ("table" or "csv")) throw new UsageException($"--format '{format}': expected table or csv");
        NativeRuntime.SetThreads(Environment.ProcessorCount);
        using var data = TensorData.Upload(BenchKit.Mnist(batch), Precision.Float32, "cpu");
        long[] idx = Enumerable.Range(0, batch).Select(i => (long)i).ToArray();
        var models = new List<NativeModel>();
        var trainers = new List<Trainer>();
        try
        {
            foreach (var (_, spec, weightDecay) in Configurations)
            {
                var model = BenchKit.Model(ModelKind.Lenet5, 0);
                models.Add(model);
                var training = new TrainingSpec(OptimizerKind.Sgd, 1, batch, 1e-3, new ScheduleSpec(ScheduleKind.Constant, 1, 0, 2), 0.9, weightDecay,
                    new AdamSpec(0.9, 0.999, 1e-8)) { Regularization = spec };
                trainers.Add(Trainer.Create(model, training, 1));
            }
            var times = Configurations.Select(_ => new List<double>()).ToArray();
            foreach (var t in trainers) t.Step(data, idx, 1e-3); // warm-up
            for (var r = 0; r < rounds; r++)
                for (var i = 0; i < repeat; i++)
                    for (var c = 0; c < trainers.Count; c++)
                        times[c].Add(BenchKit.OnceMs(() => trainers[c].Step(data, idx, 1e-3)));
            var medians = times.Select(v => v.Order().ElementAt(v.Count / 2)).ToArray();
            var rows = Configurations.Select((c, i) => new[] { c.Name, F(medians[i]), F(medians[i] / medians[0]) }).ToList();
            Write(rows, format);
            return ExitCodes.Ok;
        }
        finally
        {
            foreach (var t in trainers) t.Dispose();
            foreach (var m in models) m.Dispose();
        }
    }

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static void Write(List<string[]> rows, string format)
    {
        if (format == "csv")
        {
            Console.WriteLine(Header);
            foreach (var row in rows) Console.WriteLine(string.Join(',', row));
            return;
        }
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in Header.Split(',')) table.AddColumn(column);
        foreach (var row in rows) table.AddRow(row);
        AnsiConsole.Write(table);
    }
}
