using System.Diagnostics;
using Npgsql;
using OrleansSweeps.Tests.TestSupport;
using Xunit.Abstractions;
using static OrleansSweeps.Tests.Cluster.ClusterSweepTests;

namespace OrleansSweeps.Tests.Cluster;

/// <summary>
/// A silo frozen (SIGSTOP) while it trains a run: Orleans declares it dead, the run resumes from its checkpoint on another
/// silo and completes there, and when the frozen silo thaws it changes nothing: Orleans stops it, and any write of its
/// run's state would be refused by the ETag.
/// </summary>
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

    /// <summary>What a silo that learns it was declared dead prints before Orleans ends the process (10.4.2, <c>MembershipTableManager</c>).</summary>
    private const string ToldDead = "I have been told I am dead, so this silo will stop!";

    /// <summary>Orleans ends such a silo with <c>Environment.FailFast</c>: SIGABRT, which a parent sees as 128 + 6.</summary>
    private const int FailFastExit = 134;

    [Fact]
    public void A_frozen_silo_declared_dead_changes_nothing_when_it_thaws_and_its_run_completes_elsewhere_exactly_once()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("spec.yaml");
        File.WriteAllText(spec, LongRuns);
        var home = dir.Combine("embedded");
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s").ExitCode);
        var reference = Cli.Run(dir.Path, "results", "s", "--home", home, "--format", "csv").Stdout;
        var env = cluster.NewStores();
        // A silo frozen inside a transaction would hold its row locks forever; the server ends such a session instead.
        Execute(env, $"ALTER DATABASE {Database(env)} SET idle_in_transaction_session_timeout = '5s'");
        Submit(dir, env, spec);

        var frozen = StartSilo(dir, Named(env, "frozen"), "--name", "frozen");
        Process? other = null;
        try
        {
            var held = FreezeTrainingARun(frozen, env);
            // From here on, any row the frozen silo changes was changed after it thawed (its connections are named after it).
            AuditWrites(env);
            var silo = SiloLine(dir, env, "frozen");
            Assert.Equal(["frozen", "active", "1", "cpu", "1"], silo[..5]);
            Assert.Equal([Name(held)], silo[6].Split(' '));

            other = StartSilo(dir, Named(env, "other"), "--name", "other");
            Poll.Until(() => State(env, held) == "completed", TimeSpan.FromMinutes(3), $"run {Name(held)} completed by the other silo");
            Assert.Equal(["frozen", "dead", "1", "cpu", "0"], SiloLine(dir, env, "frozen")[..5]);
            Assert.Equal(["other", "active", "1", "cpu"], SiloLine(dir, env, "other")[..4]);

            var thawedAt = Stopwatch.StartNew();
            Cli.Signal(frozen, "CONT");
            var thawed = Cli.Wait(frozen, TimeSpan.FromMinutes(1), "silo", "frozen");
            output.WriteLine($"thawed silo ended after {thawedAt.Elapsed.TotalSeconds:F1} s, exit {thawed.ExitCode}; stderr: {thawed.Stderr.Trim()}");
            Poll.Until(() => Finished(env, aggregates: 2 * 4), TimeSpan.FromMinutes(4), "the sweep to finish");
            var stopped = StopAll([other]);

            Assert.True(thawed.ExitCode == FailFastExit, $"exit {thawed.ExitCode}: {thawed.Stderr}");
            Assert.Contains(ToldDead, thawed.Stderr);
            Assert.Empty(WritesBy(env, "frozen"));
            // The audit sees writes: the other silo's, of the run it took over among them.
            Assert.Contains(WritesBy(env, "other"), w => w.StartsWith("orleans_grain_state UPDATE", StringComparison.Ordinal));
            Assert.Contains(WritesBy(env, "other"), w => w.StartsWith("runs UPDATE", StringComparison.Ordinal) && w.Contains("\"state\": \"completed\"", StringComparison.Ordinal)
                && w.Contains($"\"point\": {held.Point},", StringComparison.Ordinal) && w.Contains($"\"replicate\": {held.Replicate},", StringComparison.Ordinal));
            Assert.True(stopped[0].ExitCode == 130, stopped[0].Stderr);
            AssertEveryStepReportedOnce(env, points: 2, replicates: 4, steps: [0, 1000, 2000, 3000]);
            Assert.Equal(reference, Results(dir, env));
            output.WriteLine($"frozen silo trained {Name(held)}; the other silo completed it (attempts {Attempts(env, held)})");
        }
        finally
        {
            // A failed test leaves no silo behind, frozen or not (one already waited for is disposed).
            foreach (var silo in new[] { frozen, other }.OfType<Process>())
            {
                try
                {
                    silo.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
            }
        }
    }

    /// <summary>Stops the silo (SIGSTOP) at a moment it trains a run, and returns that run (read after the stop: it cannot change).</summary>
    private static (int Point, int Replicate) FreezeTrainingARun(Process silo, IReadOnlyDictionary<string, string> env)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            Poll.Until(() => TrainedBy(env, "frozen"), TimeSpan.FromMinutes(2), "the first silo training a run");
            Cli.Signal(silo, "STOP");
            if (TrainedBy(env, "frozen") is { } held) return held;
            Cli.Signal(silo, "CONT"); // stopped between two runs: try again
        }
        throw new InvalidOperationException("the silo was never stopped while training a run");
    }

    /// <summary>A run the catalog says <paramref name="silo"/> trains (<c>runs.silo</c>), queried past the product's code.</summary>
    private static (int Point, int Replicate)? TrainedBy(IReadOnlyDictionary<string, string> env, string silo)
    {
        try
        {
            using var connection = Connect(env);
            using var command = new NpgsqlCommand("SELECT point, replicate FROM runs WHERE sweep = 's' AND state = 'running' AND silo = @silo ORDER BY point, replicate LIMIT 1", connection);
            command.Parameters.AddWithValue("silo", silo);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt32(0), reader.GetInt32(1)) : null;
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    /// <summary>The columns of <paramref name="silo"/>'s line in <c>sweeps status s</c>'s silo table.</summary>
    private static string[] SiloLine(TempDirectory dir, IReadOnlyDictionary<string, string> env, string silo)
    {
        var status = Cli.Run(dir.Path, env, "status", "s");
        Assert.True(status.ExitCode == 0, status.Stderr);
        var lines = StatusOutput.Rows(status.Stdout, silo);
        Assert.True(lines.Length == 1, status.Stdout);
        return lines[0];
    }

    /// <summary>
    /// Records every row inserted, updated or deleted from now on in the catalog, the run states and the reminders, with the
    /// name of the connection that did it (a refused grain-state write changes no row, so it records nothing).
    /// </summary>
    private static void AuditWrites(IReadOnlyDictionary<string, string> env)
    {
        Execute(env, """
            CREATE TABLE audit (app text NOT NULL, tbl text NOT NULL, op text NOT NULL, at timestamptz NOT NULL, row text);
            CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO audit VALUES (current_setting('application_name'), TG_TABLE_NAME, TG_OP, clock_timestamp(),
                    left((to_jsonb(COALESCE(NEW, OLD)) - 'payload')::text, 300));
                RETURN NULL;
            END $$;
            """);
        foreach (var table in new[] { "sweeps", "points", "runs", "reports", "aggregates", "silo_slots", "orleans_grain_state", "orleans_reminders" })
            Execute(env, $"CREATE TRIGGER audit_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION audit()");
    }

    private static List<string> WritesBy(IReadOnlyDictionary<string, string> env, string app)
    {
        using var connection = Connect(env);
        using var command = new NpgsqlCommand("SELECT tbl || ' ' || op || ' at ' || at::text || ': ' || coalesce(row, '') FROM audit WHERE app = @app ORDER BY at", connection);
        command.Parameters.AddWithValue("app", app);
        using var reader = command.ExecuteReader();
        var writes = new List<string>();
        while (reader.Read()) writes.Add(reader.GetString(0));
        return writes;
    }

    /// <summary>The stores' environment with the ledger's connections named <paramref name="silo"/> (PostgreSQL's <c>application_name</c>).</summary>
    private static Dictionary<string, string> Named(IReadOnlyDictionary<string, string> env, string silo) =>
        new(env) { ["SWEEPS_LEDGER"] = $"{env["SWEEPS_LEDGER"]}?application_name={silo}" };

    private static string Database(IReadOnlyDictionary<string, string> env) => new Uri(env["SWEEPS_LEDGER"]).AbsolutePath.TrimStart('/');

    private static string Name((int Point, int Replicate) run) => $"s/p{run.Point:D4}/r{run.Replicate:D3}";

    private static string State(IReadOnlyDictionary<string, string> env, (int Point, int Replicate) run) => (string)RunColumn(env, run, "state");

    private static int Attempts(IReadOnlyDictionary<string, string> env, (int Point, int Replicate) run) => (int)RunColumn(env, run, "attempts");

    private static object RunColumn(IReadOnlyDictionary<string, string> env, (int Point, int Replicate) run, string column)
    {
        using var connection = Connect(env);
        using var command = new NpgsqlCommand($"SELECT {column} FROM runs WHERE sweep = 's' AND point = @p AND replicate = @r", connection);
        command.Parameters.AddWithValue("p", run.Point);
        command.Parameters.AddWithValue("r", run.Replicate);
        return command.ExecuteScalar()!;
    }

    private static void Execute(IReadOnlyDictionary<string, string> env, string sql)
    {
        using var connection = Connect(env);
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
