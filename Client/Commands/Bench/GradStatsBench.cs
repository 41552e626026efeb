using System.CommandLine;
using System.Globalization;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Statistics;
using Spectre.Console;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// <c>sweeps bench gradstats</c>: for each model, side by side in one process, a plain forward+backward
/// (gradient of the mean loss), our layer-structured statistic, and the same statistic by a loop over
/// single examples (and single outputs for the MGS kernel; the loop's time covers only forming the
/// Jacobian rows, not J Jᵀ, so its speed-up is a lower bound).
/// </summary>
internal static class GradStatsBench
{
    private const string Header = "model,batch,statistic,plain_ms,ours_ms,loop_ms,ratio_vs_plain,speedup_vs_loop";

    public static Command Create()
    {
        var models = new Option<string[]>("--model") { Description = "models to bench (default: mlp gsnr-cnn lenet5)", AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int>("--batch") { Description = "examples for the moments", DefaultValueFactory = _ => 1000 };
        var kernelBatch = new Option<int>("--kernel-batch") { Description = "examples b for the MGS kernel (k = 10 outputs)", DefaultValueFactory = _ => 32 };
        var p = new Option<int>("--p") { Description = "channel parameter of gsnr-cnn", DefaultValueFactory = _ => 16 };
        var repeat = new Option<int>("--repeat") { Description = "timed calls per measurement (median)", DefaultValueFactory = _ => 5 };
        var rounds = new Option<int>("--rounds") { Description = "interleaved rounds of all measurements (median over rounds)", DefaultValueFactory = _ => 3 };
        var format = new Option<string>("--format") { Description = "table or csv", DefaultValueFactory = _ => "table" };
        var command = new Command("gradstats", "Per-example gradient statistics vs a plain backward pass and vs a single-example loop")
        {
            models, batch, kernelBatch, p, repeat, rounds, format,
        };
        command.SetAction(parse => ErrorReporting.Run(() => Run(
            parse.GetValue(models) is { Length: > 0 } m ? m : ["mlp", "gsnr-cnn", "lenet5"],
            parse.GetValue(batch), parse.GetValue(kernelBatch), parse.GetValue(p), parse.GetValue(repeat), parse.GetValue(rounds), parse.GetValue(format)!)));
        return command;
    }

    private static int Run(string[] models, int batch, int kernelBatch, int p, int repeat, int rounds, string format)
    {
        if (rounds < 1) throw new UsageException($"--rounds {rounds}: must be at least 1");
        if (format is not ("table" or "csv")) throw new UsageException($"--format '{format}': expected table or csv");
        if (repeat < 1) throw new UsageException($"--repeat {repeat}: must be at least 1");
        var kinds = models.Select(BenchKit.ParseModel).ToArray();
        NativeRuntime.SetThreads(Environment.ProcessorCount);
        var examples = BenchKit.Mnist(Math.Max(batch, kernelBatch));
        using var data = TensorData.Upload(examples, Contracts.Specs.Precision.Float32, "cpu");
        long[] momentIdx = Enumerable.Range(0, batch).Select(i => (long)i).ToArray();
        long[] kernelIdx = Enumerable.Range(0, kernelBatch).Select(i => (long)i).ToArray();
        var rows = new List<string[]>();
        for (var m = 0; m < kinds.Length; m++)
        {
            using var model = BenchKit.Model(kinds[m], p);
            // Rounds interleave the three measurements so machine noise hits them alike; medians over rounds.
            var moments = Rounds(rounds, repeat,
                () => model.LossGradient(data, momentIdx),
                () => GradientMoments.Compute(model, data, momentIdx, signs: false),
                () => GradientMoments.Compute(model, data, momentIdx, signs: true),
                () =>
                {
                    foreach (var i in momentIdx) model.LossGradient(data, [i]);
                });
            rows.Add(Row(models[m], batch, "moments", moments.Plain, moments.Ours, moments.Loop));
            rows.Add(Row(models[m], batch, "moments+signs", moments.Plain, moments.OursAlt, moments.Loop));
            var kernel = Rounds(rounds, repeat,
                () => model.LossGradient(data, kernelIdx),
                () => MgsKernel.Compute(model, data, kernelIdx, 10, withMatrix: false),
                () => MgsKernel.Compute(model, data, kernelIdx, 10, withMatrix: true),
                () =>
                {
                    foreach (var i in kernelIdx)
                        for (var c = 0; c < 10; c++) model.OutputGradient(data, [i], c);
                });
            rows.Add(Row(models[m], kernelBatch, "mgs_kernel", kernel.Plain, kernel.Ours, kernel.Loop));
        }
        Write(rows, format);
        return ExitCodes.Ok;
    }

    private sealed record Timing(double Plain, double Ours, double OursAlt, double Loop);

    /// <summary>
    /// Each round times plain, ours and ours-alt alternately call by call (<paramref name="repeat"/> times,
    /// after a warm-up of each), so noise on this shared machine hits them alike, then the loop once.
    /// Reported: medians over all calls (plain, ours) and over rounds (loop).
    /// </summary>
    private static Timing Rounds(int rounds, int repeat, Action plain, Action ours, Action oursAlt, Action loop)
    {
        plain();
        ours();
        oursAlt();
        var (p, o, a, l) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < repeat; i++)
            {
                p.Add(BenchKit.OnceMs(plain));
                o.Add(BenchKit.OnceMs(ours));
                a.Add(BenchKit.OnceMs(oursAlt));
            }
            l.Add(BenchKit.OnceMs(loop));
        }
        static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        return new Timing(Median(p), Median(o), Median(a), Median(l));
    }

    private static string[] Row(string model, int batch, string statistic, double plain, double ours, double loop) =>
    [
        model, batch.ToString(CultureInfo.InvariantCulture), statistic, F(plain), F(ours), F(loop), F(ours / plain), F(loop / ours),
    ];

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
