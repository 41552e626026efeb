using System.Globalization;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>The benchmarks run and print their contract (columns, rows); their timings are not asserted.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public void Gradstats_prints_one_csv_row_per_model_and_statistic_with_consistent_ratios()
    {
        var result = Cli.Run(RepoPaths.Root, "bench", "gradstats", "--model", "mlp", "lenet5", "--batch", "16", "--kernel-batch", "2",
            "--rounds", "1", "--repeat", "1", "--format", "csv");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Trim().Split('\n');
        Assert.Equal("model,batch,statistic,plain_ms,ours_ms,loop_ms,ratio_vs_plain,speedup_vs_loop", lines[0]);
        Assert.Equal(["mlp,16,moments", "mlp,16,moments+signs", "mlp,2,mgs_kernel", "lenet5,16,moments", "lenet5,16,moments+signs", "lenet5,2,mgs_kernel"],
            lines.Skip(1).Select(l => string.Join(',', l.Split(',').Take(3))));
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',').Skip(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.All(f, v => Assert.True(v > 0, line));
            // Times are printed with 2 decimals, so ratios recomputed from them agree only roughly.
            Assert.InRange(f[3], f[1] / f[0] * 0.8 - 0.01, f[1] / f[0] * 1.2 + 0.01);
            Assert.InRange(f[4], f[2] / f[1] * 0.8 - 0.01, f[2] / f[1] * 1.2 + 0.01);
        }
    }

    [Fact]
    public void Regularizers_prints_one_csv_row_per_regularizer_with_plain_as_the_unit()
    {
        var result = Cli.Run(RepoPaths.Root, "bench", "regularizers", "--batch", "6", "--rounds", "1", "--repeat", "1", "--format", "csv");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Trim().Split('\n');
        Assert.Equal("regularizer,step_ms,ratio_vs_plain", lines[0]);
        Assert.Equal(["plain", "weight_decay", "dropout", "grad_norm", "mgs_trace", "mgs_logdet", "datagrad", "spectreg", "winsorize"],
            lines.Skip(1).Select(l => l.Split(',')[0]));
        var plain = double.Parse(lines[1].Split(',')[1], CultureInfo.InvariantCulture);
        Assert.Equal("1.00", lines[1].Split(',')[2]);
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',').Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(f[0] > 0, line);
            Assert.InRange(f[1], f[0] / plain * 0.8 - 0.01, f[0] / plain * 1.2 + 0.01);
        }
    }

    [Fact]
    public void Step_prints_one_row_per_thread_count_from_child_processes()
    {
        var result = Cli.Run(RepoPaths.Root, "bench", "step", "--model", "mlp", "--batch", "32", "--repeat", "1");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = result.Stdout.Trim().Split('\n').SkipWhile(l => !l.StartsWith("model,", StringComparison.Ordinal)).Skip(1).ToArray();
        Assert.Equal(Enumerable.Range(1, Environment.ProcessorCount).Select(t => $"mlp,32,{t}"), rows.Select(r => string.Join(',', r.Split(',').Take(3))));
    }

    [Fact]
    public void Sweep_prints_the_ratio_to_the_engine_and_the_split_of_the_wall_time_for_both_checkpoint_policies()
    {
        var result = Cli.Run(RepoPaths.Root, "bench", "sweep", "--replicates", "1", "--rounds", "1");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n');
        Assert.Single(lines, l => l.StartsWith("round 1: engine ", StringComparison.Ordinal));
        Assert.Contains("gsnr-osgr-toy-smoke: 6 points × M = 1 = 6 runs, 1 slot, 1 libtorch thread", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  through actors (default: periodic checkpoints at least 10 s apart):", lines);
        Assert.Contains("  through actors, a checkpoint every 100 updates (--checkpoint-interval 0):", lines);
        Assert.Single(lines, l => l.Contains("(target ≤ 5 %)", StringComparison.Ordinal));
        // Each variant splits its own wall time: engine training, and the rest as orchestration on and off the slot.
        var splits = lines.Where(l => l.TrimStart().StartsWith("in this run: engine training ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, splits.Length);
        foreach (var split in splits)
        {
            var engine = Seconds(split, "engine training ");
            Assert.True(engine > 0, split);
        }
        Assert.Equal(2, lines.Count(l => l.Contains("with the slot idle", StringComparison.Ordinal)));
    }

    private static double Seconds(string line, string after)
    {
        var at = line.IndexOf(after, StringComparison.Ordinal) + after.Length;
        return double.Parse(line[at..line.IndexOf(" s", at, StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Unknown_model_is_a_one_line_error()
    {
        var result = Cli.Run(RepoPaths.Root, "bench", "gradstats", "--model", "resnet");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --model 'resnet': expected mlp, gsnr-cnn or lenet5", result.Stderr.Trim());
    }
}
