using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// A home that cannot be written (an archive, a read-only mount) can still be read; a verb that writes says "read-only";
/// an empty, truncated or overwritten ledger is named with what is wrong, never silently replaced.
/// </summary>
public sealed class ReadOnlyHomeTests
{
    [Fact]
    public void A_read_only_home_is_read_by_status_results_and_report_and_writes_say_read_only()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("toy.yaml");
        File.WriteAllText(spec, SpecBuilder.ToyYaml);
        var home = dir.Combine("h");
        Directory.CreateDirectory(home);
        // Root writes anywhere: an ordinary user meets the read-only home as a user would.
        var user = HomeFaults.UnprivilegedOwnerOf(dir.Path);
        Assert.Equal(0, Cli.RunAs(user, dir.Path, "run", spec, "--home", home, "--id", "s").ExitCode);
        var before = Snapshot(home);
        HomeFaults.ChangeMode(home, "a-w");
        try
        {
            var status = Cli.RunAs(user, dir.Path, "status", "--home", home);
            Assert.True(status.ExitCode == 0, status.Stderr);
            Assert.Equal("finished", StatusOutput.Row(status.Stdout, "s")[1]);
            var results = Cli.RunAs(user, dir.Path, "results", "s", "--home", home, "--format", "csv");
            Assert.True(results.ExitCode == 0, results.Stderr);
            Assert.StartsWith("point,", results.Stdout);
            var report = Cli.RunAs(user, dir.Path, "report", "s", "--home", home, "--out", dir.Combine("report"));
            Assert.True(report.ExitCode == 0, report.Stderr);

            foreach (var write in new[] { new[] { "cancel", "s" }, ["resume", "s"], ["run", spec, "--id", "t"] })
            {
                var refused = Cli.RunAs(user, dir.Path, [.. write, "--home", home]);
                Assert.True(refused.ExitCode == 1, $"{write[0]}: exit {refused.ExitCode}");
                var line = Assert.Single(refused.Stderr.Trim().Split('\n'));
                Assert.Contains($"'{home}", line);
                Assert.Contains("read-only", line);
            }
            Assert.Equal(before, Snapshot(home));
        }
        finally
        {
            HomeFaults.ChangeMode(home, "u+w");
        }
    }

    [Fact]
    public void An_empty_ledger_is_refused_by_reading_and_writing_verbs_and_left_as_it_is()
    {
        using var dir = new TempDirectory();
        var home = Directory.CreateDirectory(dir.Combine("h")).FullName;
        var ledger = Path.Combine(home, "ledger.db");
        File.WriteAllBytes(ledger, []);
        var spec = dir.Combine("toy.yaml");
        File.WriteAllText(spec, SpecBuilder.ToyYaml);

        foreach (var args in new[] { new[] { "status" }, ["run", spec, "--id", "s"] })
        {
            var result = Cli.Run(dir.Path, [.. args, "--home", home]);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal($"error: ledger '{ledger}': the file is empty (0 bytes), not a ledger; restore it from a backup, or move it away to start an empty catalog",
                result.Stderr.Trim());
        }
        Assert.Equal(0, new FileInfo(ledger).Length);
    }

    [Fact]
    public void A_truncated_or_overwritten_ledger_says_what_is_wrong_in_words()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("toy.yaml");
        File.WriteAllText(spec, SpecBuilder.ToyYaml);
        var home = dir.Combine("h");
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s").ExitCode);
        var ledger = Path.Combine(home, "ledger.db");
        var whole = File.ReadAllBytes(ledger);
        Assert.True(whole.Length > 20_000, $"the ledger is {whole.Length} bytes");

        File.WriteAllBytes(ledger, whole[..20_000]);
        var truncated = Cli.Run(dir.Path, "status", "--home", home);
        Assert.Equal(1, truncated.ExitCode);
        Assert.StartsWith($"error: ledger '{ledger}': the file is damaged (truncated or overwritten); restore it from a backup (SQLite Error 11", truncated.Stderr.Trim());

        File.WriteAllBytes(ledger, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var overwritten = Cli.Run(dir.Path, "status", "--home", home);
        Assert.Equal(1, overwritten.ExitCode);
        Assert.StartsWith($"error: ledger '{ledger}': the file is not a SQLite database", overwritten.Stderr.Trim());
    }

    /// <summary>Every file under the home with its length and last write time.</summary>
    private static string[] Snapshot(string home) =>
        Directory.GetFiles(home, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}").ToArray();
}
