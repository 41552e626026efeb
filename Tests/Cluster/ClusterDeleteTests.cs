using Npgsql;
using OrleansSweeps.Tests.TestSupport;
using static OrleansSweeps.Tests.Cluster.ClusterSweepTests;

namespace OrleansSweeps.Tests.Cluster;

/// <summary>
/// Cancel and delete on a cluster: a cancelled sweep's drained runs stay stopped though their reminders fire; delete is
/// refused while the sweep is active and while a silo is up (silos keep what they read of a sweep), and afterwards
/// nothing of it is left in the catalog, the run states or the reminders, so the same id submitted again trains from
/// scratch to the embedded results.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterDeleteTests(ClusterFixture cluster)
{
    // 4 runs of 20,000 updates, a few seconds each, trained one at a time by a one-slot silo: a cancel drains one mid-run.
    private const string Runs = """
        name: deleting
        seed: 9
        replicates: 4
        train_size: 100
        dataset: {kind: toy-product, noise: 1.0, test_size: 500}
        model: {kind: mlp, hidden: [16]}
        training: {optimizer: gd, lr: 0.002, steps: 20000}
        record: {every: 5000}
        checkpoint_every: 1000
        """;

    [Fact]
    public void A_cancelled_sweep_stays_stopped_and_deleted_its_id_trains_afresh_to_the_embedded_results()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("spec.yaml");
        File.WriteAllText(spec, Runs);
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", dir.Combine("embedded"), "--id", "s").ExitCode);
        var reference = Cli.Run(dir.Path, "results", "s", "--home", dir.Combine("embedded"), "--format", "csv").Stdout;
        var env = cluster.NewStores();
        Submit(dir, env, spec);
        // Its log, shown if the test fails.
        var silo = StartSilo(dir, new Dictionary<string, string>(env) { ["SWEEPS_LOG_LEVEL"] = "Information" });
        var siloStopped = false;
        try
        {
            Poll.Until(() => Row(dir, env) is { } row && row[5] == "1", TimeSpan.FromMinutes(1), "a run training");
            var refused = Cli.Run(dir.Path, env, "delete", "s", "--yes");
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("is active on the cluster: `sweeps cancel s` first", refused.Stderr);

            Assert.Equal(0, Cli.Run(dir.Path, env, "cancel", "s").ExitCode);
            Poll.Until(() => Row(dir, env) is { } row && row[5] == "0", TimeSpan.FromMinutes(1), "the drain");
            var stopped = Row(dir, env)!;
            Assert.True(Reminders(env, "run/s/") > 0, "a drained run keeps its reminder (it resumes when the sweep does)");
            // Two and a half reminder periods (10 s): the drained run's reminder fires and must not train it.
            Thread.Sleep(TimeSpan.FromSeconds(25));
            Assert.Equal(stopped, Row(dir, env));

            var whileUp = Cli.Run(dir.Path, env, "delete", "s", "--yes");
            Assert.Equal(2, whileUp.ExitCode);
            Assert.Contains("stop the cluster's silos first", whileUp.Stderr);
            StopAll([silo]);
            siloStopped = true;

            var deleted = Cli.Run(dir.Path, env, "delete", "s", "--yes");
            Assert.True(deleted.ExitCode == 0, deleted.Stderr);
            Assert.Null(Row(dir, env));
            Assert.Equal(0, Count(env, "SELECT count(*) FROM runs WHERE sweep = 's'"));
            Assert.Equal(0, Count(env, "SELECT count(*) FROM orleans_grain_state WHERE starts_with(grain_id_extension, 's/') AND payload IS NOT NULL"));
            Assert.Equal(0, Reminders(env, "run/s/"));

            silo = StartSilo(dir, new Dictionary<string, string>(env) { ["SWEEPS_LOG_LEVEL"] = "Information" });
            siloStopped = false;
            Submit(dir, env, spec);
            var last = "";
            try
            {
                Poll.Until(() => StatusOutput.Rows(last = Cli.Run(dir.Path, env, "status").Stdout, "s") is [["s", "finished", ..]],
                    TimeSpan.FromMinutes(2), "the sweep submitted again to finish");
            }
            catch (TimeoutException)
            {
                var state = $"not finished:\n{last}\nruns: {Rows(env, "SELECT replicate, state, attempts, coalesce(silo, '-') FROM runs WHERE sweep = 's' ORDER BY replicate")}" +
                    $"\nstates: {Rows(env, "SELECT grain_id_extension, version, payload IS NULL FROM orleans_grain_state ORDER BY 1")}" +
                    $"\nreminders: {Rows(env, "SELECT grain_id FROM orleans_reminders ORDER BY 1")}";
                siloStopped = true;
                var log = StopAll([silo])[0];
                Assert.Fail($"{state}\nsilo stdout:\n{Tail(log.Stdout)}\nsilo stderr:\n{Tail(log.Stderr)}");
            }
            Assert.Equal(reference, Results(dir, env));
        }
        finally
        {
            if (!siloStopped) StopAll([silo]);
        }
    }

    /// <summary>The sweep's row of <c>sweeps status</c>, or null when it is not listed.</summary>
    private static string[]? Row(TempDirectory dir, IReadOnlyDictionary<string, string> env) =>
        StatusOutput.Rows(Cli.Run(dir.Path, env, "status").Stdout, "s").SingleOrDefault();

    private static long Reminders(IReadOnlyDictionary<string, string> env, string prefix) =>
        Count(env, $"SELECT count(*) FROM orleans_reminders WHERE starts_with(grain_id, '{prefix}')");

    private static string Tail(string text) => text[^Math.Min(6000, text.Length)..];

    private static string Rows(IReadOnlyDictionary<string, string> env, string sql)
    {
        using var connection = Connect(env);
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(string.Join(",", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i))));
        return string.Join("; ", rows);
    }

    private static long Count(IReadOnlyDictionary<string, string> env, string sql)
    {
        using var connection = Connect(env);
        using var command = new NpgsqlCommand(sql, connection);
        return (long)command.ExecuteScalar()!;
    }
}
