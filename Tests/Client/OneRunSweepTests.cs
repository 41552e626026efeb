using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// The smallest sweep through the real console: one point, one replicate, SGD on two circles (classification, so
/// a test accuracy; no OSGR, which needs gradient descent). About 2 s.
/// </summary>
public sealed class OneRunSweep : IDisposable
{
    public const string Spec = """
        name: one-run
        seed: 5
        replicates: 1
        train_size: 64
        dataset: {kind: two-circles, noise: 0.1, test_size: 64}
        model: {kind: mlp, hidden: [8]}
        training: {optimizer: sgd, batch_size: 16, lr: 0.1, steps: 20}
        record: {every: 5}
        """;

    private readonly TempDirectory _dir = new();

    public OneRunSweep()
    {
        File.WriteAllText(_dir.Combine("spec.yaml"), Spec);
        Run = Cli.Run(_dir.Path, "run", "spec.yaml", "--home", Home, "--id", "s");
    }

    public string Directory => _dir.Path;

    public string Home => _dir.Combine("home");

    public Cli.Result Run { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary>What `sweeps run` prints at the end of a sweep of one run.</summary>
public sealed class OneRunSweepTests(OneRunSweep sweep) : IClassFixture<OneRunSweep>
{
    [Fact]
    public void The_summary_shows_the_accuracy_of_one_replicate_without_an_sd()
    {
        Assert.True(sweep.Run.ExitCode == 0, sweep.Run.Stderr);
        var row = sweep.Run.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("p0000 ", StringComparison.Ordinal));
        Assert.DoesNotContain("±", row, StringComparison.Ordinal);
        Assert.Matches(@" \d{1,3}\.\d\d\s*$", row);
        var summary = File.ReadAllLines(Path.Combine(sweep.Home, "blobs", "sweeps", "s", "results", "summary.csv"));
        var sd = Array.IndexOf(summary[0].Split(','), "test_acc_sd");
        Assert.Equal("", summary[1].Split(',')[sd]);
    }

    [Fact]
    public void Results_leave_every_sd_of_one_replicate_empty()
    {
        Assert.True(sweep.Run.ExitCode == 0, sweep.Run.Stderr);
        var results = Cli.Run(sweep.Directory, "results", "s", "--home", sweep.Home, "--format", "csv");
        Assert.True(results.ExitCode == 0, results.Stderr);
        var lines = results.Stdout.Trim().Split('\n');
        var sd = Array.IndexOf(lines[0].Split(','), "test_acc_sd");
        Assert.True(sd >= 0, lines[0]);
        Assert.All(lines[1..], line => Assert.Equal("", line.Split(',')[sd]));
        Assert.All(lines[1..], line => Assert.NotEqual("", line.Split(',')[sd - 1]));
    }

    [Fact]
    public void The_closing_hint_names_what_an_sgd_sweep_records_not_osgr()
    {
        Assert.True(sweep.Run.ExitCode == 0, sweep.Run.Stderr);
        Assert.DoesNotContain("OSGR", sweep.Run.Stdout, StringComparison.Ordinal);
        Assert.Contains("`sweeps results s` shows the replicate means of losses and test accuracy per recorded step", sweep.Run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_of_one_are_singular_in_run_validate_and_report()
    {
        Assert.True(sweep.Run.ExitCode == 0, sweep.Run.Stderr);
        Assert.Contains("sweep s: 1 run complete;", sweep.Run.Stdout, StringComparison.Ordinal);

        var validate = Cli.Run(sweep.Directory, "validate", "spec.yaml");
        Assert.True(validate.ExitCode == 0, validate.Stderr);
        Assert.Contains("sweep 'one-run', 1 point, 1 run", validate.Stdout, StringComparison.Ordinal);

        var report = Cli.Run(sweep.Directory, "report", "s", "--home", sweep.Home, "--out", Path.Combine(sweep.Directory, "report"));
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Contains(" · 1 point · 1 run (1 completed, 0 failed) · ", File.ReadAllText(Path.Combine(sweep.Directory, "report", "index.html")), StringComparison.Ordinal);
    }
}
