using System.Diagnostics;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>`sweeps run` end to end, through the real console process.</summary>
public sealed class RunCommandTests
{
    // Big enough (a 256×256 MLP, 200 updates per run) that a kill lands mid-run.
    private const string SlowSpec = """
        name: resume-test
        seed: 11
        replicates: 2
        train_size: 2000
        dataset:
          kind: two-circles
          noise: 0.1
          test_size: 2000
          label_noise: {mode: permute, fraction: 0.2}
        model:
          kind: mlp
          hidden: [256, 256]
        training:
          optimizer: sgd
          batch_size: 50
          momentum: 0.9
          lr: 0.05
          steps: 200
        record:
          every: 25
        checkpoint_every: 20
        grid:
          training.lr: [0.05, 0.1]
        """;

    [Fact]
    public void Same_spec_and_seed_give_byte_identical_curves_and_summary()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, SpecBuilder.ToyYaml);
        var first = Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("a"), "--id", "s");
        var second = Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("b"), "--id", "s");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        AssertSameResults(dir.Combine("a"), dir.Combine("b"), expectedRuns: 2);
    }

    [Fact]
    public void Killed_runs_resume_to_identical_curves()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, SlowSpec);
        var reference = Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("ref"), "--id", "s");
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        var home = dir.Combine("killed");
        var random = new Random(5);
        for (var kill = 0; kill < 3; kill++)
        {
            using var process = Cli.Start(dir.Path, "run", spec, "--home", home, "--id", "s");
            var checkpoints = CountCheckpointsAndCurves(home);
            // Let it make progress (a new checkpoint or finished run), then kill it at a random moment.
            Poll.Until(() => process.HasExited || CountCheckpointsAndCurves(home) > checkpoints, TimeSpan.FromMinutes(2), "a new checkpoint");
            Thread.Sleep(random.Next(0, 400));
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        var resumed = Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        AssertSameResults(dir.Combine("ref"), home, expectedRuns: 4);
    }

    [Fact]
    public void Sigint_saves_a_checkpoint_and_exits_130_then_the_sweep_continues()
    {
        using var dir = new TempDirectory();
        // Long enough (3,000 updates per run) that the signal lands mid-sweep even on a fast build; a checkpoint every 20
        // updates, so the first file appears early in the first runs (with the default interval the first is a run's
        // curves, and a slot that starts the next run before the last one concluded could finish the sweep before the signal).
        var spec = WriteSpec(dir, SlowSpec.Replace("steps: 200", "steps: 3000"));
        var home = dir.Combine("h");
        using (var process = Cli.Start(dir.Path, "run", spec, "--home", home, "--id", "s", "--checkpoint-interval", "0"))
        {
            Poll.Until(() => CountCheckpointsAndCurves(home) > 0, TimeSpan.FromMinutes(2), "the first checkpoint");
            var masks = Cli.SignalMasks(process);
            Cli.Signal(process, "INT");
            var result = Cli.Wait(process);
            Assert.True(result.ExitCode == 130, $"exit {result.ExitCode}; signal masks when signalled: {masks}; stderr:\n{result.Stderr}\nstdout:\n{result.Stdout}");
            Assert.Contains("interrupted", result.Stderr);
        }
        var continued = Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s");
        Assert.True(continued.ExitCode == 0, continued.Stderr);
        var reference = Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("ref"), "--id", "s");
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        AssertSameResults(dir.Combine("ref"), home, expectedRuns: 4);
    }

    [Theory]
    [InlineData("cuda", "CUDA device")]
    [InlineData("tpu", "expected cpu, cuda or cuda:i")]
    public void Unusable_device_is_one_line_error_and_writes_nothing(string device, string expected)
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, SpecBuilder.ToyYaml);
        var result = Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("h"), "--device", device);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains(expected, result.Stderr);
        Assert.False(Directory.Exists(dir.Combine("h")));
    }

    [Fact]
    public void A_run_refused_because_another_process_holds_the_home_registers_nothing()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, SpecBuilder.ToyYaml);
        var home = dir.Combine("h");
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "first").ExitCode);

        Cli.Result refused;
        // This test process stands in for another `sweeps run` training on the home.
        using (HomeLock.Acquire(home))
            refused = Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "second");

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"error: home '{home}': another sweeps process is running a silo on it", refused.Stderr.Trim().Split(" (")[0]);
        Assert.False(Directory.Exists(Path.Combine(home, "blobs", "sweeps", "second")), "no spec stored");
        var status = Cli.Run(dir.Path, "status", "--home", home);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("first", status.Stdout);
        Assert.DoesNotContain("second", status.Stdout);
    }

    [Fact]
    public void Reusing_an_id_with_a_different_spec_is_refused()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, SpecBuilder.ToyYaml);
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("h"), "--id", "x").ExitCode);
        File.WriteAllText(spec, SpecBuilder.ToyYaml.Replace("lr: 0.05", "lr: 0.01"));
        var result = Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("h"), "--id", "x");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already exists with a different spec", result.Stderr);
    }

    [Fact]
    public void Diverged_runs_are_recorded_as_failed_the_rest_complete_and_the_exit_code_says_so()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, SpecBuilder.ToyYaml + "\ngrid:\n  training.lr: [0.05, 100000]\n");
        var home = dir.Combine("h");
        var result = Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "d");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("2 of 4 runs failed", result.Stderr);
        var failures = Directory.GetFiles(home, "failure.txt", SearchOption.AllDirectories);
        Assert.Equal(2, failures.Length);
        Assert.All(failures, f => Assert.Contains("/p0001/", f));
        Assert.All(failures, f => Assert.StartsWith("diverged at update", File.ReadAllText(f)));
        var summary = File.ReadAllLines(Path.Combine(home, "blobs", "sweeps", "d", "results", "summary.csv"));
        Assert.StartsWith("p0000,training.lr=0.05,2,0,", summary[1]);
        Assert.StartsWith("p0001,training.lr=100000,0,2,", summary[2]);

        // Deterministic failures are not retried: the rerun reads them back.
        var again = Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "d");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already done", again.Stderr);
    }

    [Fact]
    public void A_sweep_of_the_cpp_engine_is_refused_on_resume_with_one_line()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, SpecBuilder.ToyYaml);
        var home = dir.Combine("home");
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s").ExitCode);
        Assert.True(File.Exists(Path.Combine(home, "blobs", "sweeps", "s", "engine.txt")), "the engine's name is stored with the spec");
        // The C++ engine stored no engine name beside the spec.
        File.Delete(Path.Combine(home, "blobs", "sweeps", "s", "engine.txt"));

        var resumed = Cli.Run(dir.Path, "resume", "s", "--home", home);

        Assert.Equal(1, resumed.ExitCode);
        var line = Assert.Single(resumed.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("C++ engine over libtorch 1.13", line, StringComparison.Ordinal);
        Assert.Contains("cannot be resumed", line, StringComparison.Ordinal);
    }

    private static string WriteSpec(TempDirectory dir, string yaml)
    {
        var path = dir.Combine("spec.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static int CountCheckpointsAndCurves(string home) =>
        Directory.Exists(home)
            ? Directory.GetFiles(home, "*", SearchOption.AllDirectories).Count(f => f.EndsWith(".ckpt", StringComparison.Ordinal) || f.EndsWith("curves.csv", StringComparison.Ordinal))
            : 0;

    private static void AssertSameResults(string expectedHome, string actualHome, int expectedRuns)
    {
        string[] Results(string home) => Directory.GetFiles(home, "*.csv", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(home, f)).Order(StringComparer.Ordinal).ToArray();
        var expected = Results(expectedHome);
        Assert.Equal(expected, Results(actualHome));
        Assert.Equal(expectedRuns, expected.Count(f => f.EndsWith("curves.csv", StringComparison.Ordinal)));
        foreach (var file in expected)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expectedHome, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualHome, file))),
                $"{file} differs between {expectedHome} and {actualHome}");
        }
    }
}
