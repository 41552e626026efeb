using System.Diagnostics;
using Npgsql;
using OrleansSweeps.Tests.TestSupport;
using Xunit.Abstractions;

namespace OrleansSweeps.Tests.Cluster;

/// <summary>
/// Real `sweeps silo` processes on a real PostgreSQL and Azurite: killed with SIGKILL and restarted, the
/// database and the storage restarted, a silo frozen past its death declaration; the results must equal, byte for byte,
/// those of the same sweep run embedded, with every (point, step, replicate) reported exactly once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSweepTests(ClusterFixture cluster, ITestOutputHelper output)
{
    // Toy regression with moments and vectors: 4 points × 50 replicates = 200 runs, 5 recorded steps each.
    private const string ManyRuns = """
        name: cluster
        seed: 11
        replicates: 50
        train_size: 100
        dataset: {kind: toy-product, noise: 1.0, test_size: 2000}
        model: {kind: mlp, hidden: [16]}
        training: {optimizer: gd, lr: 0.002, steps: 400}
        record: {every: 100}
        checkpoint_every: 50
        stats: {moments: true, vectors: true}
        grid:
          train_size: [100, 400]
          dataset.noise: [0.5, 3]
        """;

    [Fact]
    public void Three_silos_survive_kills_and_restarts_of_the_database_and_the_storage_with_the_embedded_results()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("spec.yaml");
        File.WriteAllText(spec, ManyRuns);
        var reference = EmbeddedResults(dir, spec);
        var env = cluster.NewStores();
        Submit(dir, env, spec);

        var random = new Random(2026);
        var silos = Enumerable.Range(0, 3).Select(_ => StartSilo(dir, env)).ToList();
        var (kills, databaseRestarts, storageRestarts) = (0, 0, 0);
        var clock = Stopwatch.StartNew();
        while (!Finished(env, aggregates: 4 * 5))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(8), $"the sweep did not finish in 8 minutes ({kills} kills)");
            Thread.Sleep(random.Next(300, 1200));
            if (kills < 14)
            {
                var victim = random.Next(silos.Count);
                silos[victim].Kill(entireProcessTree: true);
                silos[victim].WaitForExit();
                silos[victim].Dispose();
                silos[victim] = StartSilo(dir, env);
                kills++;
            }
            if (kills == 4 && databaseRestarts == 0)
            {
                cluster.Postgres.Stop();
                Thread.Sleep(1500);
                cluster.Postgres.Start();
                databaseRestarts++;
            }
            if (kills == 8 && storageRestarts == 0)
            {
                cluster.Azurite.Stop();
                Thread.Sleep(1500);
                cluster.Azurite.Start();
                storageRestarts++;
            }
        }
        StopAll(silos);

        var duplicates = AssertEveryStepReportedOnce(env, points: 4, replicates: 50, steps: [0, 100, 200, 300, 400]);
        Assert.Equal(reference, Results(dir, env));
        output.WriteLine($"runs 200, kills survived {kills}, database restarts {databaseRestarts}, storage restarts {storageRestarts}, duplicates {duplicates}, {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(kills >= 10, $"only {kills} kills landed before the sweep finished");
        Assert.Equal((1, 1), (databaseRestarts, storageRestarts));
    }

    private string EmbeddedResults(TempDirectory dir, string spec)
    {
        var home = dir.Combine("embedded");
        var run = Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s", "--slots", "2");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var results = Cli.Run(dir.Path, "results", "s", "--home", home, "--format", "csv");
        Assert.True(results.ExitCode == 0, results.Stderr);
        return results.Stdout;
    }

    internal static void Submit(TempDirectory dir, IReadOnlyDictionary<string, string> env, string spec)
    {
        var submit = Cli.Run(dir.Path, env, "run", spec, "--id", "s", "--detach");
        Assert.True(submit.ExitCode == 0, submit.Stderr);
    }

    internal static Process StartSilo(TempDirectory dir, IReadOnlyDictionary<string, string> env, params string[] extra) =>
        Cli.Start(dir.Path, env, ["silo", "--slots", "1", "--silo-port", "0", "--gateway-port", "0", "--advertise", "127.0.0.1", "--checkpoint-interval", "0", .. extra]);

    internal static string Results(TempDirectory dir, IReadOnlyDictionary<string, string> env)
    {
        var results = Cli.Run(dir.Path, env, "results", "s", "--format", "csv");
        Assert.True(results.ExitCode == 0, results.Stderr);
        return results.Stdout;
    }

    /// <summary>Whether every run ended and all <paramref name="aggregates"/> are computed (false while the database is down).</summary>
    internal static bool Finished(IReadOnlyDictionary<string, string> env, int aggregates)
    {
        try
        {
            using var connection = Connect(env);
            using var command = new NpgsqlCommand("""
                SELECT (SELECT count(*) FROM runs WHERE sweep = 's' AND state NOT IN ('completed', 'failed')),
                       (SELECT count(*) FROM aggregates WHERE sweep = 's' AND state = 'completed')
                """, connection);
            using var reader = command.ExecuteReader();
            reader.Read();
            return reader.GetInt64(0) == 0 && reader.GetInt64(1) == aggregates;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The ledger's reports are exactly the expected (point, step, replicate) set; returns the duplicates found (0).</summary>
    internal static int AssertEveryStepReportedOnce(IReadOnlyDictionary<string, string> env, int points, int replicates, int[] steps)
    {
        using var connection = Connect(env);
        using var command = new NpgsqlCommand("SELECT point, step, replicate, count(*) OVER (PARTITION BY point, step, replicate) FROM reports WHERE sweep = 's' ORDER BY point, step, replicate", connection);
        var reported = new List<(int, int, int)>();
        var duplicates = 0;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                reported.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)));
                if (reader.GetInt64(3) > 1) duplicates++;
            }
        }
        var expected = from p in Enumerable.Range(0, points) from s in steps from r in Enumerable.Range(0, replicates) select (p, s, r);
        Assert.Equal(0, duplicates);
        Assert.Equal(expected, reported);
        return duplicates;
    }

    internal static NpgsqlConnection Connect(IReadOnlyDictionary<string, string> env)
    {
        var uri = new Uri(env["SWEEPS_LEDGER"]);
        var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={uri.Port};Username=sweeps;Password={PostgresServer.Password};Database={uri.AbsolutePath.TrimStart('/')};Pooling=false");
        connection.Open();
        return connection;
    }

    /// <summary>SIGTERM (drain) then wait; a silo that does not stop in a minute is killed and the test fails.</summary>
    internal static List<Cli.Result> StopAll(IEnumerable<Process> silos)
    {
        var results = new List<Cli.Result>();
        foreach (var silo in silos.ToArray())
        {
            Cli.Signal(silo, "TERM");
            results.Add(Cli.Wait(silo, "silo"));
            silo.Dispose();
        }
        return results;
    }
}
