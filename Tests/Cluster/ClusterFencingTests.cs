using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OrleansSweeps.Tests.TestSupport;
using Xunit.Abstractions;
using static OrleansSweeps.Tests.Cluster.ClusterSweepTests;

namespace OrleansSweeps.Tests.Cluster;

/// <summary>A silo frozen (SIGSTOP) past its lease: another silo completes its run, and when it thaws its writes are refused.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFencingTests(ClusterFixture cluster, ITestOutputHelper output)
{
    // Longer runs, so the frozen silo is caught inside one: 2 points × 4 replicates of 3,000 updates.
    private const string LongRuns = """
        name: fencing
        seed: 5
        replicates: 4
        train_size: 200
        dataset: {kind: toy-product, noise: 1.0, test_size: 1000}
        model: {kind: mlp, hidden: [32]}
        training: {optimizer: gd, lr: 0.002, steps: 3000}
        record: {every: 1000}
        checkpoint_every: 500
        stats: {moments: true, vectors: true}
        grid:
          train_size: [100, 200]
        """;

    [Fact]
    public void A_frozen_silo_past_its_lease_is_fenced_off_and_its_run_is_completed_elsewhere_exactly_once()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("spec.yaml");
        File.WriteAllText(spec, LongRuns);
        var home = dir.Combine("embedded");
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s").ExitCode);
        var reference = Cli.Run(dir.Path, "results", "s", "--home", home, "--format", "csv").Stdout;
        var env = cluster.NewStores();
        Submit(dir, env, spec);

        var frozen = StartSilo(dir, env, "--name", "frozen");
        var held = FreezeHoldingARun(frozen, env);
        // Frozen, it changes nothing: `sweeps status` shows the silo, its slots and the run it holds.
        var status = Cli.Run(dir.Path, env, "status", "s");
        Assert.True(status.ExitCode == 0, status.Stderr);
        var siloLine = status.Stdout.Split('\n').Single(l => l.StartsWith("frozen\t", StringComparison.Ordinal));
        // Slot 1; the runs held (one training, maybe one claimed ahead or concluding: docs/spec.md, "Pipelining") are listed.
        var columns = siloLine.TrimEnd().Split('\t');
        Assert.Equal(["frozen", "alive", "1"], columns[..3]);
        var runs = columns[5].Split(' ');
        Assert.Equal(int.Parse(columns[3], CultureInfo.InvariantCulture), runs.Length);
        Assert.Contains($"s/p{held.Point:D4}/r{held.Replicate:D3}", runs);
        var other = StartSilo(dir, env, "--name", "other");
        // Its lease (3 s) runs out; the other silo claims the run and completes it.
        Poll.Until(() => State(env, held) == "completed", TimeSpan.FromMinutes(3), $"run {held} completed by the other silo");
        Cli.Signal(frozen, "CONT");
        Poll.Until(() => Finished(env, aggregates: 2 * 4), TimeSpan.FromMinutes(4), "the sweep to finish");
        var stopped = StopAll([frozen, other]);

        Assert.Contains("lease lost", stopped[0].Stderr);
        Assert.Contains($"s/p{held.Point:D4}/r{held.Replicate:D3}", stopped[0].Stderr);
        AssertEveryStepReportedOnce(env, points: 2, replicates: 4, steps: [0, 1000, 2000, 3000]);
        Assert.Equal(reference, Results(dir, env));
        output.WriteLine($"frozen silo held {held}; thawed, it logged: {stopped[0].Stderr.Trim()}");
    }

    /// <summary>Stops the silo (SIGSTOP) at a moment it holds a run, and returns that run (read after the stop: it cannot change).</summary>
    private static (int Point, int Replicate) FreezeHoldingARun(Process silo, IReadOnlyDictionary<string, string> env)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            Poll.Until(() => HeldBy(env, "frozen"), TimeSpan.FromMinutes(2), "the first silo holding a run");
            Cli.Signal(silo, "STOP");
            if (HeldBy(env, "frozen") is { } held) return held;
            Cli.Signal(silo, "CONT"); // stopped between two runs: try again
        }
        throw new InvalidOperationException("the silo was never stopped while holding a run");
    }

    private static (int Point, int Replicate)? HeldBy(IReadOnlyDictionary<string, string> env, string silo)
    {
        try
        {
            using var connection = Connect(env);
            using var command = new NpgsqlCommand("""
                SELECT r.point, r.replicate FROM runs r JOIN leases l ON l.sweep = r.sweep AND l.kind = 'run' AND l.point = r.point AND l.ordinal = r.replicate
                WHERE r.sweep = 's' AND r.state = 'running' AND l.owner = @silo ORDER BY r.point, r.replicate LIMIT 1
                """, connection);
            command.Parameters.AddWithValue("silo", silo);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt32(0), reader.GetInt32(1)) : null;
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    private static string State(IReadOnlyDictionary<string, string> env, (int Point, int Replicate) run)
    {
        using var connection = Connect(env);
        using var command = new NpgsqlCommand("SELECT state FROM runs WHERE sweep = 's' AND point = @p AND replicate = @r", connection);
        command.Parameters.AddWithValue("p", run.Point);
        command.Parameters.AddWithValue("r", run.Replicate);
        return (string)command.ExecuteScalar()!;
    }
}
