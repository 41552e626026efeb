using Microsoft.Data.Sqlite;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// <c>sweeps delete</c> on a home: everything the sweep stored goes (catalog rows, run states, blobs), other sweeps stay,
/// and the same id then trains afresh to the same results; it asks (or wants --yes) and never runs beside a silo.
/// </summary>
public sealed class DeleteCommandTests
{
    [Fact]
    public void A_deleted_sweep_leaves_nothing_and_its_id_trains_afresh_to_the_same_results()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("toy.yaml");
        File.WriteAllText(spec, SpecBuilder.ToyYaml);
        var home = dir.Combine("h");
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s").ExitCode);
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "kept").ExitCode);
        var before = Cli.Run(dir.Path, "results", "s", "--home", home, "--format", "csv").Stdout;
        Assert.Equal(2, LiveRunStates(home, "s/"));

        // What it reports, counted independently: the files under the sweep's blob directory.
        var files = Directory.GetFiles(Path.Combine(home, "blobs", "sweeps", "s"), "*", SearchOption.AllDirectories);
        var megabytes = (files.Sum(f => new FileInfo(f).Length) / 1e6).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

        var deleted = Cli.Run(dir.Path, "delete", "s", "--home", home, "--yes");

        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        Assert.Equal($"sweep s: deleted (2 run(s), {files.Length} blob(s), {megabytes} MB)", deleted.Stdout.Trim());
        Assert.Empty(StatusOutput.Rows(Cli.Run(dir.Path, "status", "--home", home).Stdout, "s"));
        Assert.Equal("finished", StatusOutput.Row(Cli.Run(dir.Path, "status", "--home", home).Stdout, "kept")[1]);
        Assert.False(Directory.Exists(Path.Combine(home, "blobs", "sweeps", "s")));
        Assert.True(Directory.Exists(Path.Combine(home, "blobs", "sweeps", "kept")));
        Assert.Equal(0, LiveRunStates(home, "s/"));
        Assert.Equal(2, LiveRunStates(home, "kept/"));
        Assert.Equal(2, Cli.Run(dir.Path, "results", "s", "--home", home).ExitCode);

        var again = Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s");

        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.DoesNotContain("already done", again.Stderr);
        Assert.Equal(before, Cli.Run(dir.Path, "results", "s", "--home", home, "--format", "csv").Stdout);
    }

    [Fact]
    public void Without_yes_and_a_terminal_to_ask_or_beside_a_running_silo_nothing_is_deleted()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("toy.yaml");
        File.WriteAllText(spec, SpecBuilder.ToyYaml);
        var home = dir.Combine("h");
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "s").ExitCode);

        var unasked = Cli.Run(dir.Path, "delete", "s", "--home", home);
        Assert.Equal(2, unasked.ExitCode);
        Assert.StartsWith("error: delete s: deleting 2 run(s), ", unasked.Stderr.Trim());
        Assert.EndsWith("cannot be undone; add --yes (stdin is not a terminal to ask)", unasked.Stderr.Trim());

        Cli.Result busy;
        using (HomeLock.Acquire(home))
            busy = Cli.Run(dir.Path, "delete", "s", "--home", home, "--yes");
        Assert.Equal(1, busy.ExitCode);
        Assert.Contains("another sweeps process is running a silo on it", busy.Stderr);

        Assert.Equal(2, Cli.Run(dir.Path, "delete", "nope", "--home", home, "--yes").ExitCode);
        Assert.Equal("finished", StatusOutput.Row(Cli.Run(dir.Path, "status", "--home", home).Stdout, "s")[1]);
        Assert.Equal(2, LiveRunStates(home, "s/"));
    }

    /// <summary>Run grain states of the home that are not cleared (payload present), whose key starts with <paramref name="prefix"/>.</summary>
    private static long LiveRunStates(string home, string prefix)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(home, EmbeddedCluster.GrainStateFile)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM orleans_grain_state WHERE grain_type = 'run' AND substr(grain_key, 1, length($p)) = $p AND payload IS NOT NULL";
        command.Parameters.AddWithValue("$p", prefix);
        return (long)command.ExecuteScalar()!;
    }
}
