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
/// Jacobian rows, not J Jᵀ, so its speed-up is a lower bound). With <c>--baseline</c> (the sweeps.dll of
/// another build, e.g. the C++ engine's) each model is measured alternately in a process of ours and one of the
/// baseline's, <c>--rounds</c> times each, and the baseline's plain and statistic times are printed beside ours.
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
        var baseline = new Option<string?>("--baseline") { Description = "sweeps.dll of another build to compare with, in alternating processes" };
        var command = new Command("gradstats", "Per-example gradient statistics vs a plain backward pass and vs a single-example loop")
        {
            models, batch, kernelBatch, p, repeat, rounds, format, baseline,
        };
        command.SetAction(parse => ErrorReporting.Run(() =>
        {
            var chosen = parse.GetValue(models) is { Length: > 0 } m ? m : ["mlp", "gsnr-cnn", "lenet5"];
            var (b, kb, pp, r, n, f) = (parse.GetValue(batch), parse.GetValue(kernelBatch), parse.GetValue(p), parse.GetValue(repeat), parse.GetValue(rounds), parse.GetValue(format)!);
            return parse.GetValue(baseline) is { } compare ? Compare(compare, chosen, b, kb, pp, r, n, f) : Run(chosen, b, kb, pp, r, n, f);
        }));
        return command;
    }

    private const string CompareHeader = "model,batch,statistic,plain_ms,ours_ms,ratio_vs_plain,speedup_vs_loop,baseline_plain_ms,baseline_ms,baseline_ratio_vs_plain";

    /// <summary>Per model, <paramref name="rounds"/> processes of ours and of the baseline, alternately; medians over processes.</summary>
    private static int Compare(string baseline, string[] models, int batch, int kernelBatch, int p, int repeat, int rounds, string format)
    {
        if (format is not ("table" or "csv")) throw new UsageException($"--format '{format}': expected table or csv");
        var rows = new List<string[]>();
        foreach (var model in models)
        {
            BenchKit.ParseModel(model);
            string[] args = ["bench", "gradstats", "--model", model, "--batch", $"{batch}", "--kernel-batch", $"{kernelBatch}", "--p", $"{p}",
                "--repeat", $"{repeat}", "--rounds", "1", "--format", "csv"];
            var (ours, theirs) = (new List<string[][]>(), new List<string[][]>());
            for (var round = 0; round < Math.Max(1, rounds); round++)
            {
                ours.Add(Csv(ChildProcess.Run(args)));
                theirs.Add(Csv(ChildProcess.Run(args, baseline)));
            }
            for (var row = 0; row < ours[0].Length; row++)
            {
                double Median(List<string[][]> runs, int column) =>
                    BenchKit.Median(runs.Select(run => double.Parse(run[row][column], CultureInfo.InvariantCulture)).ToList());
                var (plain, stat, loop) = (Median(ours, 3), Median(ours, 4), Median(ours, 5));
                var (basePlain, baseStat) = (Median(theirs, 3), Median(theirs, 4));
                rows.Add([.. ours[0][row][..3], F(plain), F(stat), F(stat / plain), F(loop / stat), F(basePlain), F(baseStat), F(baseStat / basePlain)]);
            }
        }
        Write(rows, format, CompareHeader);
        return ExitCodes.Ok;
    }

    /// <summary>The data rows of a child's CSV output (its header line dropped).</summary>
    private static string[][] Csv(string[] lines) => lines.SkipWhile(l => !l.StartsWith("model,", StringComparison.Ordinal)).Skip(1).Select(l => l.Trim().Split(',')).ToArray();

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
        Write(rows, format, Header);
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
        return new Timing(BenchKit.Median(p), BenchKit.Median(o), BenchKit.Median(a), BenchKit.Median(l));
    }

    private static string[] Row(string model, int batch, string statistic, double plain, double ours, double loop) =>
    [
        model, batch.ToString(CultureInfo.InvariantCulture), statistic, F(plain), F(ours), F(loop), F(ours / plain), F(loop / ours),
    ];

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static void Write(List<string[]> rows, string format, string header)
    {
        if (format == "csv")
        {
            Console.WriteLine(header);
            foreach (var row in rows) Console.WriteLine(string.Join(',', row));
            return;
        }
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in header.Split(',')) table.AddColumn(column);
        foreach (var row in rows) table.AddRow(row);
        AnsiConsole.Write(table);
    }
}
