using System.Globalization;
using System.Text.RegularExpressions;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>`sweeps run` piped (not a terminal): the progress a log gets, end to end.</summary>
public sealed class ProgressLogTests
{
    // Many short runs on more slots than cores: runs end on several threads at once, as they race in a real sweep.
    private const string ManyShortRuns = """
        name: progress-log
        seed: 3
        replicates: 40
        train_size: 32
        dataset:
          kind: toy-product
          noise: 0.5
          test_size: 64
        model:
          kind: mlp
          hidden: [4]
        training:
          optimizer: gd
          lr: 0.05
          steps: 3
        record:
          every: 3
        grid:
          training.lr: [0.01, 0.02, 0.05]
        """;

    [Fact]
    public void A_piped_run_logs_every_count_from_1_to_N_once_and_in_order()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("spec.yaml");
        File.WriteAllText(spec, ManyShortRuns);

        var result = Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("home"), "--id", "s", "--slots", "6");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var counts = Regex.Matches(result.Stderr, @"^\[(\d+)/120\] s/p\d{4}/r\d{3} done; \d+ steps/s, ETA ", RegexOptions.Multiline)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(Enumerable.Range(1, 120).SequenceEqual(counts), $"counts logged: {string.Join(' ', counts)}\n{result.Stderr}");
    }
}
