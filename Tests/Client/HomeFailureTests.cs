using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// Issue 5: a home whose disk fills up, or that becomes read-only, in the middle of a sweep run through the real
/// console. The run stops with one error line naming the path and a non-zero exit; the ledger stays consistent
/// (it opens, <c>sweeps status</c> works, no run is completed without its curves, every report is there once and
/// names moment vectors that exist); once the problem is fixed, <c>sweeps resume</c> completes to results
/// byte-identical to an uninterrupted run's. Root ignores permission bits, so the faults come from a
/// size-limited tmpfs on the home and from running the console as an unprivileged user (see <see cref="HomeFaults"/>).
/// </summary>
public sealed partial class HomeFailureTests(HomeFailureTests.Reference reference) : IClassFixture<HomeFailureTests.Reference>, IDisposable
{
    // SweepLifecycleTests' sweep, longer, so the fault lands while runs are training: 3 points × 3 replicates.
    private const string Spec = """
        name: home-failure
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
          steps: 600
        record:
          every: 100
        checkpoint_every: 10
        stats: {moments: true, vectors: true}
        grid:
          train_size: [100, 200, 400]
        """;

    private const int Points = 3;
    private const int Replicates = 3;
    private static readonly int[] RecordedSteps = [0, 100, 200, 300, 400, 500, 600];

    private readonly TempDirectory _dir = new();

    [Fact]
    public void A_disk_that_fills_up_mid_sweep_stops_it_with_one_error_and_resume_after_freeing_space_gives_identical_results()
    {
        var spec = WriteSpec(_dir);
        var home = _dir.Combine("home");
        Directory.CreateDirectory(home);
        using var mount = HomeFaults.MountTmpfs(home, "64m");
        var filler = Path.Combine(home, "filler");

        var failed = RunUntilFault(spec, home, user: null, () => HomeFaults.FillUp(filler));

        AssertOneErrorNamingTheHome(failed, home, "No space left on device|database or disk is full");
        AssertConsistent(home);
        Assert.Empty(Directory.GetFiles(Path.Combine(home, "blobs"), "*.tmp", SearchOption.AllDirectories)); // no partial temp file holds space
        Assert.True(Cli.Run(_dir.Path, "status", "s", "--home", home).ExitCode == 0, "sweeps status on the full home");

        File.Delete(filler);
        var resumed = Cli.Run(_dir.Path, "resume", "s", "--home", home, "--slots", "2", "--checkpoint-interval", "0");

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        AssertSameResults(reference.Home, home);
    }

    [Fact]
    public void A_home_made_read_only_mid_sweep_stops_it_with_one_error_and_resume_once_writable_gives_identical_results()
    {
        var spec = WriteSpec(_dir);
        var home = _dir.Combine("home");
        Directory.CreateDirectory(home);
        var user = HomeFaults.UnprivilegedOwnerOf(home);

        var failed = RunUntilFault(spec, home, user, () => HomeFaults.ChangeMode(home, "a-w"));

        AssertOneErrorNamingTheHome(failed, home, "denied|readonly database");
        AssertConsistent(home);
        HomeFaults.ChangeMode(home, "u+w");
        var status = Cli.RunAs(user, _dir.Path, "status", "s", "--home", home);
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Equal(["s", "active", "3"], StatusOutput.Row(status.Stdout, "s")[..3]);
        var resumed = Cli.RunAs(user, _dir.Path, "resume", "s", "--home", home, "--slots", "2", "--checkpoint-interval", "0");

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        AssertSameResults(reference.Home, home);
    }

    /// <summary>Starts the sweep on <paramref name="home"/>, injects the fault once runs have reported, and waits for the console to stop.</summary>
    private Cli.Result RunUntilFault(string spec, string home, string? user, Action fault)
    {
        // A checkpoint (and a report) every 10 updates: the sweep writes all the time.
        string[] args = ["run", spec, "--home", home, "--id", "s", "--slots", "2", "--checkpoint-interval", "0"];
        using var process = Cli.StartAs(user, _dir.Path, args);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Poll.Until(() => process.HasExited || CountReports(home) > 0, TimeSpan.FromMinutes(2), "the sweep's first step report");
        if (process.HasExited) Assert.Fail($"the sweep ended (exit {process.ExitCode}) before the fault was injected: {stderr.Result}");
        fault();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the console did not stop within 5 minutes of the fault");
        }
        process.WaitForExit();
        return new Cli.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A non-zero exit, exactly one error line, naming a path in the home, and no stack trace: every other line is progress or a warning.</summary>
    private static void AssertOneErrorNamingTheHome(Cli.Result failed, string home, string problem)
    {
        Assert.Equal(1, failed.ExitCode);
        var lines = failed.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(home + "/", error, StringComparison.Ordinal);
        Assert.Matches(problem, error);
        foreach (var line in lines.Where(l => l != error))
            Assert.True(ProgressLine().IsMatch(line) || line.StartsWith("warning: ", StringComparison.Ordinal), $"unexpected stderr line: [{line}] in:\n{failed.Stderr}");
    }

    /// <summary>
    /// The ledger as the failed process left it: intact; no run completed without curves that hold every recorded step;
    /// each report once, naming a range of a moments blob that exists and verifies; each completed aggregate's vector
    /// stored.
    /// </summary>
    private static void AssertConsistent(string home)
    {
        using var ledger = new SqliteConnection($"Data Source={Path.Combine(home, "ledger.db")};Mode=ReadOnly;Pooling=False");
        ledger.Open();
        Assert.Equal("ok", Scalar(ledger, "PRAGMA integrity_check"));
        foreach (var run in Rows(ledger, "SELECT point, replicate FROM runs WHERE state = 'completed'"))
        {
            var curves = Path.Combine(RunDirectory(home, run[0], run[1]), "curves.csv");
            Assert.True(File.Exists(curves), $"run p{run[0]}/r{run[1]} is completed without curves");
            Assert.Equal(RecordedSteps, CurveRow.ParseCsv(File.ReadAllText(curves), curves).Select(r => r.Step));
        }
        Assert.Empty(Rows(ledger, "SELECT point, replicate FROM runs WHERE state = 'failed'"));
        var reports = Rows(ledger, "SELECT point, step, replicate, payload FROM reports");
        Assert.Equal(reports.Count, reports.Select(r => (r[0], r[1], r[2])).Distinct().Count());
        foreach (var report in reports)
        {
            var parsed = StepReportPayload.Parse(report[3], $"report p{report[0]} step {report[1]} r{report[2]}");
            var at = parsed.Moments ?? throw new InvalidDataException($"report p{report[0]} step {report[1]} r{report[2]} names no moment vectors");
            Assert.StartsWith($"sweeps/s/runs/p{int.Parse(report[0], CultureInfo.InvariantCulture):D4}/r{int.Parse(report[2], CultureInfo.InvariantCulture):D3}/moments/", at.Key, StringComparison.Ordinal);
            var blob = File.ReadAllBytes(Path.Combine(home, "blobs", at.Key));
            Assert.True(at.Offset + at.Length <= blob.Length, $"{at.Format()}: past the end of its blob ({blob.Length} bytes)");
            MomentVectors.Deserialize(blob.AsSpan((int)at.Offset, at.Length).ToArray(), at.Format());
        }
        foreach (var aggregate in Rows(ledger, "SELECT point, step FROM aggregates WHERE state = 'completed'"))
        {
            var key = Path.Combine(home, "blobs", "sweeps", "s", "aggregates", $"p{int.Parse(aggregate[0], CultureInfo.InvariantCulture):D4}",
                $"{int.Parse(aggregate[1], CultureInfo.InvariantCulture):D9}.bin");
            Assert.True(File.Exists(key), $"aggregate p{aggregate[0]} step {aggregate[1]} is completed without its vector");
        }
    }

    private void AssertSameResults(string referenceHome, string home)
    {
        Assert.Equal(Results(referenceHome), Results(home));
        for (var p = 0; p < Points; p++)
        {
            for (var r = 0; r < Replicates; r++)
            {
                var expected = File.ReadAllText(Path.Combine(RunDirectory(referenceHome, p, r), "curves.csv"));
                Assert.Equal(expected, File.ReadAllText(Path.Combine(RunDirectory(home, p, r), "curves.csv")));
            }
        }
        using var ledger = new SqliteConnection($"Data Source={Path.Combine(home, "ledger.db")};Mode=ReadOnly;Pooling=False");
        ledger.Open();
        var reported = Rows(ledger, "SELECT point, step, replicate FROM reports ORDER BY point, step, replicate").Select(r => string.Join('/', r));
        var expectedReports = from p in Enumerable.Range(0, Points) from s in RecordedSteps from r in Enumerable.Range(0, Replicates) select $"{p}/{s}/{r}";
        Assert.Equal(expectedReports, reported);
    }

    /// <summary>The uninterrupted sweep (default checkpoint spacing), run once for the class.</summary>
    public sealed class Reference : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly Lazy<string> _home;

        public Reference() => _home = new(() =>
        {
            var home = _dir.Combine("reference");
            var result = Cli.Run(_dir.Path, "run", WriteSpec(_dir), "--home", home, "--id", "s", "--slots", "2");
            Assert.True(result.ExitCode == 0, result.Stderr);
            return home;
        });

        public string Home => _home.Value;

        public void Dispose() => _dir.Dispose();
    }

    private static string WriteSpec(TempDirectory dir)
    {
        var path = dir.Combine("spec.yaml");
        File.WriteAllText(path, Spec);
        return path;
    }

    private string Results(string home)
    {
        var result = Cli.Run(_dir.Path, "results", "s", "--home", home, "--format", "csv");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout;
    }

    private static string RunDirectory(string home, object point, object replicate) =>
        Path.Combine(home, "blobs", "sweeps", "s", "runs",
            $"p{Convert.ToInt32(point, CultureInfo.InvariantCulture):D4}", $"r{Convert.ToInt32(replicate, CultureInfo.InvariantCulture):D3}");

    private static int CountReports(string home)
    {
        if (!File.Exists(Path.Combine(home, "ledger.db"))) return 0;
        try
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(home, "ledger.db")};Mode=ReadOnly;Pooling=False");
            connection.Open();
            return Convert.ToInt32(Scalar(connection, "SELECT count(*) FROM reports"), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // created but not yet migrated
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static List<string[]> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!).ToArray());
        return rows;
    }

    [GeneratedRegex(@"^\[\d+/\d+\] s/p\d{4}/r\d{3} ")]
    private static partial Regex ProgressLine();

    public void Dispose() => _dir.Dispose();
}
