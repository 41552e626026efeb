using System.Globalization;
using Microsoft.Data.Sqlite;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// The actor host end to end through the real console: SIGKILL at random moments then <c>sweeps resume</c>,
/// slot counts, results and correlations against independent computations, status / cancel / errors.
/// </summary>
public sealed class SweepLifecycleTests
{
    // Two-circles (classification, so test_acc_sd exists) with moments: 3 points × 3 replicates, 120 updates each.
    private const string Spec = """
        name: lifecycle
        seed: 3
        replicates: 3
        train_size: 400
        dataset:
          kind: two-circles
          noise: 0.1
          test_size: 1000
        model:
          kind: mlp
          hidden: [64, 64]
        training:
          optimizer: gd
          lr: 0.1
          steps: 120
        record:
          every: 20
        checkpoint_every: 10
        stats: {moments: true, vectors: true}
        grid:
          train_size: [100, 200, 400]
        """;

    private const int Points = 3;
    private const int Replicates = 3;
    private static readonly int[] RecordedSteps = [0, 20, 40, 60, 80, 100, 120];

    [Fact]
    public void Killed_sweeps_resume_to_byte_identical_results_with_every_step_reported_once()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, Spec);
        var reference = Results(dir, RunToEnd(dir, spec, "ref", "--slots", "2"));

        var home = dir.Combine("killed");
        var random = new Random(17);
        var killedMidSweep = 0;
        for (var kill = 0; kill < 3; kill++)
        {
            // Every checkpoint_every updates (the reference used the default wall-time spacing): resumes
            // start from checkpoints, and which checkpoints exist must not change a result.
            using var process = Cli.Start(dir.Path, "run", spec, "--home", home, "--id", "s", "--slots", "2", "--checkpoint-interval", "0");
            var reports = CountReports(home);
            Poll.Until(() => process.HasExited || CountReports(home) > reports, TimeSpan.FromMinutes(2), "a new step report");
            Thread.Sleep(random.Next(0, 300));
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                killedMidSweep++;
            }
            process.WaitForExit();
        }
        Assert.True(killedMidSweep > 0, "no kill landed before the sweep finished");
        var resumed = Cli.Run(dir.Path, "resume", "s", "--home", home, "--slots", "2", "--checkpoint-interval", "0");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        Assert.Equal(reference, Results(dir, home));
        using var ledger = OpenLedger(home);
        using var query = ledger.CreateCommand();
        query.CommandText = "SELECT point, step, replicate FROM reports ORDER BY point, step, replicate";
        var reported = new List<(long, long, long)>();
        using (var reader = query.ExecuteReader())
            while (reader.Read()) reported.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        var expected = from p in Enumerable.Range(0, Points) from s in RecordedSteps from r in Enumerable.Range(0, Replicates) select ((long)p, (long)s, (long)r);
        Assert.Equal(expected, reported);
    }

    [Fact]
    public void A_run_whose_end_reached_its_state_but_not_the_catalog_is_recorded_ended_on_resume()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, Spec);
        var home = RunToEnd(dir, spec, "h", "--slots", "2");
        var before = Results(dir, home);
        // As if the process died between the run's state write (Completed) and the catalog's: the catalog says running.
        using (var ledger = OpenLedger(home, readOnly: false))
        {
            using var update = ledger.CreateCommand();
            update.CommandText = "UPDATE runs SET state = 'running', finished_at = NULL WHERE point = 1 AND replicate = 2";
            Assert.Equal(1, update.ExecuteNonQuery());
        }

        // It used to be admitted, answer Ended and be found unfinished again, for ever.
        var resumed = Cli.RunWithin(TimeSpan.FromMinutes(2), dir.Path, "resume", "s", "--home", home, "--slots", "2");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(before, Results(dir, home));
        using var check = OpenLedger(home);
        using var query = check.CreateCommand();
        query.CommandText = "SELECT state FROM runs WHERE point = 1 AND replicate = 2";
        Assert.Equal("completed", query.ExecuteScalar());
    }

    [Fact]
    public void One_and_two_slots_give_identical_results_and_curves()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, Spec);
        var one = RunToEnd(dir, spec, "one", "--slots", "1");
        var two = RunToEnd(dir, spec, "two", "--slots", "2");
        Assert.Equal(Results(dir, one), Results(dir, two));
        for (var p = 0; p < Points; p++)
        {
            for (var r = 0; r < Replicates; r++)
                Assert.Equal(File.ReadAllText(CurvesPath(one, p, r)), File.ReadAllText(CurvesPath(two, p, r)));
        }
    }

    [Fact]
    public void Results_and_correlations_agree_with_an_independent_computation_from_the_curves()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, Spec);
        var home = RunToEnd(dir, spec, "h");
        var rows = ParseCsv(Results(dir, home));
        Assert.Equal(Points * RecordedSteps.Length, rows.Count);
        Assert.Equal(["point", "train_size", "step", "osgr_lhs", "osgr_rhs", "gsnr_mean", "mgs_trace_mean", "mgs_logdet_mean",
            "train_loss_mean", "test_loss_mean", "test_acc_mean", "test_acc_sd"], rows[0].Keys);
        foreach (var row in rows)
        {
            var point = int.Parse(row["point"][1..], CultureInfo.InvariantCulture);
            var step = int.Parse(row["step"], CultureInfo.InvariantCulture);
            var n = int.Parse(row["train_size"], CultureInfo.InvariantCulture);
            var at = Enumerable.Range(0, Replicates).Select(r => Curves(home, point, r).Single(c => c.Step == step)).ToArray();
            // eq. 19: 1 − mean Σρ² / (n · mean Σg²); the means' 1/M cancels.
            var rhs = 1 - at.Sum(c => c.Stats!.SumRho2) / (n * at.Sum(c => c.Stats!.SumG2));
            var accMean = at.Average(c => c.TestAccuracy);
            var accSd = Math.Sqrt(at.Sum(c => (c.TestAccuracy - accMean) * (c.TestAccuracy - accMean)) / (Replicates - 1));
            AssertClose(rhs, Number(row["osgr_rhs"]), $"osgr_rhs p{point} step {step}");
            AssertClose(accMean, Number(row["test_acc_mean"]), "test_acc_mean");
            AssertClose(accSd, Number(row["test_acc_sd"]), "test_acc_sd");
            AssertClose(at.Average(c => c.Stats!.GsnrMean), Number(row["gsnr_mean"]), "gsnr_mean");
            if (step < 120)
            {
                var lhs = at.Sum(c => c.TestLossNext - c.TestLoss) / at.Sum(c => c.TrainLossNext - c.TrainLoss);
                AssertClose(lhs, Number(row["osgr_lhs"]), "osgr_lhs (eq. 23)");
            }
            else
            {
                Assert.Equal("", row["osgr_lhs"]); // no update after the last step
            }
            Assert.Equal("", row["mgs_trace_mean"]); // not recorded (mgs_batch 0)
        }

        var correlations = Cli.Run(dir.Path, "results", "s", "--home", home, "--correlations", "--format", "csv");
        Assert.True(correlations.ExitCode == 0, correlations.Stderr);
        var fits = ParseCsv(correlations.Stdout);
        Assert.Equal(RecordedSteps.Select(s => s.ToString(CultureInfo.InvariantCulture)), fits.Select(f => f["step"]));
        foreach (var fit in fits.Where(f => f["step"] != "120"))
        {
            var points = rows.Where(r => r["step"] == fit["step"]).Select(r => (X: Number(r["osgr_rhs"]), Y: Number(r["osgr_lhs"]))).ToArray();
            // By hand, from the textbook sums: c = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)), slope = (nΣxy − ΣxΣy)/(nΣx² − (Σx)²).
            double k = points.Length, sx = points.Sum(p => p.X), sy = points.Sum(p => p.Y);
            double sxx = points.Sum(p => p.X * p.X), syy = points.Sum(p => p.Y * p.Y), sxy = points.Sum(p => p.X * p.Y);
            var slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
            var pearson = (k * sxy - sx * sy) / Math.Sqrt((k * sxx - sx * sx) * (k * syy - sy * sy));
            Assert.Equal("3", fit["points"]);
            AssertClose(pearson, Number(fit["pearson"]), "pearson", 1e-7);
            AssertClose(slope, Number(fit["slope"]), "slope", 1e-7);
            AssertClose((sy - slope * sx) / k, Number(fit["intercept"]), "intercept", 1e-7);
        }
        Assert.Equal("0", fits.Single(f => f["step"] == "120")["points"]); // lhs undefined at the last step

        var json = Cli.Run(dir.Path, "results", "s", "--home", home, "--format", "json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        using var document = System.Text.Json.JsonDocument.Parse(json.Stdout);
        Assert.Equal(rows.Count, document.RootElement.GetArrayLength());
        Assert.Equal(Number(rows[0]["osgr_rhs"]), document.RootElement[0].GetProperty("osgr_rhs").GetDouble());
    }

    [Fact]
    public void Status_cancel_resume_and_errors_through_the_console()
    {
        using var dir = new TempDirectory();
        var spec = WriteSpec(dir, Spec.Replace("steps: 120", "steps: 3000"));
        var home = dir.Combine("h");
        using (var process = Cli.Start(dir.Path, "run", spec, "--home", home, "--id", "s", "--slots", "2"))
        {
            Poll.Until(() => CountReports(home) > 0, TimeSpan.FromMinutes(2), "the first step report");
            var cancel = Cli.Run(dir.Path, "cancel", "s", "--home", home);
            Assert.True(cancel.ExitCode == 0, cancel.Stderr);
            var stopped = Cli.Wait(process);
            Assert.Equal(130, stopped.ExitCode);
            Assert.Contains("was cancelled", stopped.Stderr);
        }
        var status = Cli.Run(dir.Path, "status", "s", "--home", home);
        Assert.Equal(0, status.ExitCode);
        var row = StatusOutput.Row(status.Stdout, "s");
        Assert.Equal(["s", "cancelled", "3"], row[..3]);
        Assert.Equal(["0", "0"], row[5..7]); // none running, none failed: every drained run is queued again

        var unknown = Cli.Run(dir.Path, "results", "nope", "--home", home);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("error: unknown sweep 'nope'", unknown.Stderr.Trim());

        var empty = Cli.Run(dir.Path, "status", "--home", dir.Combine("nothing-here"));
        Assert.Equal(1, empty.ExitCode);
        Assert.Single(empty.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.Combine("nothing-here")));

        var corrupt = dir.Combine("corrupt");
        Directory.CreateDirectory(corrupt);
        File.WriteAllText(Path.Combine(corrupt, "ledger.db"), "this is not a database, it is a text file long enough to have a header page");
        var bad = Cli.Run(dir.Path, "status", "--home", corrupt);
        Assert.Equal(1, bad.ExitCode);
        Assert.Single(bad.Stderr.Trim().Split('\n'));
        Assert.Contains("ledger", bad.Stderr);
    }

    private static string WriteSpec(TempDirectory dir, string yaml)
    {
        var path = dir.Combine("spec.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string RunToEnd(TempDirectory dir, string spec, string name, params string[] extra)
    {
        var home = dir.Combine(name);
        var result = Cli.Run(dir.Path, ["run", spec, "--home", home, "--id", "s", .. extra]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return home;
    }

    private static string Results(TempDirectory dir, string home)
    {
        var result = Cli.Run(dir.Path, "results", "s", "--home", home, "--format", "csv");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }

    private static string CurvesPath(string home, int point, int replicate) =>
        Path.Combine(home, "blobs", "sweeps", "s", "runs", $"p{point:D4}", $"r{replicate:D3}", "curves.csv");

    private static IReadOnlyList<CurveRow> Curves(string home, int point, int replicate) =>
        CurveRow.ParseCsv(File.ReadAllText(CurvesPath(home, point, replicate)), CurvesPath(home, point, replicate));

    /// <summary>The home's catalog, opened beside the code under test (read-only unless a test rewrites it).</summary>
    private static SqliteConnection OpenLedger(string home, bool readOnly = true)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(home, "ledger.db")};{(readOnly ? "Mode=ReadOnly;" : "")}Pooling=False");
        connection.Open();
        return connection;
    }

    private static int CountReports(string home)
    {
        if (!File.Exists(Path.Combine(home, "ledger.db"))) return 0;
        try
        {
            using var connection = OpenLedger(home);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM reports";
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // created but not yet migrated
        }
    }

    /// <summary>Simple CSV (no quoted fields in these tables): one ordered dictionary per row.</summary>
    private static List<Dictionary<string, string>> ParseCsv(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private static double Number(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    private static void AssertClose(double expected, double actual, string what, double relative = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");
}
