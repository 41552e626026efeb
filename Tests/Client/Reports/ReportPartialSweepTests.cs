using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>A sweep interrupted part way still gets a report of what exists, under a banner counting what is pending.</summary>
public sealed class ReportPartialSweepTests
{
    // 2 points × 2 replicates of 3000 updates (far longer than the test waits), 31 recorded steps each.
    private static readonly string Spec = ReportedSweep.Spec
        .Replace("replicates: 3", "replicates: 2")
        .Replace("steps: 40", "steps: 3000")
        .Replace("every: 10", "every: 100\ncheckpoint_every: 100")
        .Replace("[0, 0.5, 1]", "[0, 1]");

    [Fact]
    public void Interrupted_sweep_reports_what_exists_under_a_pending_banner()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("spec.yaml"), Spec);
        var home = dir.Combine("home");
        using (var process = Cli.Start(dir.Path, "run", "spec.yaml", "--home", home, "--id", "s", "--slots", "2"))
        {
            Poll.Until(() => process.HasExited || CompletedAggregates(home) >= 2, TimeSpan.FromMinutes(2), "two computed aggregates");
            // Killed mid-sweep (as by a crash or while another process still runs it): the ledger holds what was done.
            Assert.False(process.HasExited, "the sweep finished before it could be interrupted");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        var report = Cli.Run(dir.Path, "report", "s", "--home", home, "--out", dir.Combine("report"));
        Assert.True(report.ExitCode == 0, report.Stderr);
        var banner = new Regex(@"Sweep not complete: [1-4] of 4 runs pending, (\d+) of 62 aggregates pending\. The figures show what exists so far\.");
        var printed = banner.Match(report.Stdout);
        Assert.True(printed.Success, report.Stdout);
        Assert.True(int.Parse(printed.Groups[1].Value, CultureInfo.InvariantCulture) <= 60, "at least two aggregates were computed");
        var html = File.ReadAllText(dir.Combine("report", "index.html"));
        Assert.Contains($"<div class=\"banner\">{printed.Value}</div>", html);
        // What was computed is drawn: the GSNR curve of the first point at least.
        var figures = ReportCommandTests.SvgElements(html).Select(s => (string)s.Attribute("id")!).ToArray();
        Assert.Contains("fig-gsnr", figures);
    }

    private static int CompletedAggregates(string home)
    {
        if (!File.Exists(Path.Combine(home, "ledger.db"))) return 0;
        try
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(home, "ledger.db")};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM aggregates WHERE state = 'completed'";
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // created but not yet migrated
        }
    }
}
