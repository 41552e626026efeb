using Orleans.Runtime;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>The silo table of <c>sweeps status</c>: which silos it shows, in which state, with what they serve and train.</summary>
public sealed class StatusSiloTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    // Two runs of a million updates: training for minutes, long after status has looked.
    private const string EndlessRuns = """
        name: status-silos
        seed: 5
        replicates: 2
        train_size: 200
        dataset: {kind: two-circles, noise: 0.1, test_size: 200}
        model: {kind: mlp, hidden: [32]}
        training: {optimizer: gd, lr: 0.1, steps: 1000000}
        record: {every: 100000}
        checkpoint_every: 1000
        """;

    [Fact]
    public void Active_silos_and_those_alive_in_the_last_hour_are_shown_each_with_the_runs_its_live_incarnation_trains()
    {
        MemberSilo[] members =
        [
            new("a", "10.0.0.1:1:1", SiloStatus.Dead, Now.AddHours(-5), Now.AddMinutes(-10)), // "a" before a restart
            new("a", "10.0.0.1:1:2", SiloStatus.Active, Now.AddHours(-4), Now.AddHours(-3)), // active, however long silent
            new("b", "10.0.0.2:1:1", SiloStatus.Dead, Now.AddHours(-2), Now.AddMinutes(-30)),
            new("c", "10.0.0.3:1:1", SiloStatus.Dead, Now.AddHours(-3), Now.AddHours(-2)), // dead for more than an hour: hidden
            new("d", "10.0.0.4:1:1", SiloStatus.Joining, Now, Now),
            new("e", "10.0.0.5:1:1", SiloStatus.ShuttingDown, Now.AddHours(-1), Now.AddMinutes(-1)),
        ];
        SiloSlots[] slots = [new("a", 2, "cpu", Now.AddHours(-4)), new("b", 1, "cuda:0", Now.AddHours(-2))];
        RunningRun[] running =
        [
            new(new RunId("s", 0, 0), "a"), new(new RunId("s", 0, 1), "a"), new(new RunId("s", 1, 0), "b"),
            new(new RunId("t", 0, 0), "a"), new(new RunId("s", 2, 0), null),
        ];

        Assert.Equal(
        [
            "a\tdead\t2\tcpu\t0\t2026-12-02 11:50:00\t-",
            "a\tactive\t2\tcpu\t2\t2026-12-02 09:00:00\ts/p0000/r000 s/p0000/r001",
            "b\tdead\t1\tcuda:0\t1\t2026-12-02 11:30:00\ts/p0001/r000",
            "d\tjoining\t-\t-\t0\t2026-12-02 12:00:00\t-",
            "e\tshutting down\t-\t-\t0\t2026-12-02 11:59:00\t-",
        ], SiloTable.Rows(members, slots, running, "s", Now).Select(r => string.Join('\t', r)));
        Assert.Contains("a\tactive\t2\tcpu\t3\t2026-12-02 09:00:00\ts/p0000/r000 s/p0000/r001 t/p0000/r000",
            SiloTable.Rows(members, slots, running, null, Now).Select(r => string.Join('\t', r)));
        Assert.Empty(SiloTable.Rows([members[3]], slots, running, null, Now));
    }

    [Fact]
    public void A_home_shows_its_silo_only_while_a_process_runs_one_on_it() => WhileTrainingBoth((dir, home, process, silo) =>
    {
        Assert.Equal(["active", "2", "any", "2", "-", "s/p0000/r000 s/p0000/r001"], silo[1..]);

        Cli.Signal(process, "TERM");
        Assert.Equal(130, Cli.Wait(process).ExitCode);
        var after = Cli.Run(dir.Path, "status", "s", "--home", home);
        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.Empty(StatusOutput.Rows(after.Stdout, "silo"));
    });

    [Fact]
    public void Runs_a_killed_process_left_running_read_as_queued_and_its_silo_is_gone() => WhileTrainingBoth((dir, home, process, _) =>
    {
        Assert.Equal(["s", "active", "1", "0/2", "0", "2"], StatusOutput.Row(Cli.Run(dir.Path, "status", "--home", home).Stdout, "s")[..6]);

        Cli.Signal(process, "KILL");
        process.WaitForExit();
        var after = Cli.Run(dir.Path, "status", "--home", home);

        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.Equal(["s", "active", "1", "0/2", "2", "0", "0"], StatusOutput.Row(after.Stdout, "s")[..7]);
        Assert.Empty(StatusOutput.Rows(after.Stdout, "silo"));
    });

    /// <summary>Runs <paramref name="body"/> once a `sweeps run` of <see cref="EndlessRuns"/> on a home trains both runs (its silo line given); kills the process after.</summary>
    private static void WhileTrainingBoth(Action<TempDirectory, string, System.Diagnostics.Process, string[]> body)
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("spec.yaml");
        File.WriteAllText(spec, EndlessRuns);
        var home = dir.Combine("h");
        using var process = Cli.Start(dir.Path, "run", spec, "--home", home, "--id", "s", "--slots", "2", "--checkpoint-interval", "0");
        try
        {
            string[]? silo = null;
            Poll.Until(() => process.HasExited || (silo = TrainingSilo(dir, home)) is not null, TimeSpan.FromMinutes(1), "the home's silo training both runs");
            Assert.False(process.HasExited);
            body(dir, home, process, silo!);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void The_tables_are_aligned_and_cancel_on_a_finished_sweep_changes_nothing()
    {
        using var dir = new TempDirectory();
        var spec = dir.Combine("toy.yaml");
        File.WriteAllText(spec, SpecBuilder.ToyYaml);
        var home = dir.Combine("h");
        Assert.Equal(0, Cli.Run(dir.Path, "run", spec, "--home", home, "--id", "a-longer-sweep-id").ExitCode);

        var status = Cli.Run(dir.Path, "status", "--home", home).Stdout.TrimEnd().Split('\n');
        Assert.DoesNotContain(status, l => l.Contains('\t'));
        Assert.Equal("sweep              state     points  runs done/total  queued  running  failed  aggregates done  pending", status[0]);
        Assert.Equal(status[0].IndexOf("state", StringComparison.Ordinal), status[1].IndexOf("finished", StringComparison.Ordinal));

        var cancel = Cli.Run(dir.Path, "cancel", "a-longer-sweep-id", "--home", home);

        Assert.Equal(0, cancel.ExitCode);
        Assert.Equal("sweep a-longer-sweep-id: already finished; nothing to cancel", cancel.Stdout.Trim());
        Assert.Equal("finished", StatusOutput.Row(Cli.Run(dir.Path, "status", "--home", home).Stdout, "a-longer-sweep-id")[1]);
    }

    /// <summary>The home's silo line from <c>sweeps status</c>, once it trains two runs; null before.</summary>
    private static string[]? TrainingSilo(TempDirectory dir, string home)
    {
        var status = Cli.Run(dir.Path, "status", "s", "--home", home);
        if (status.ExitCode != 0) return null; // the home is being created
        var lines = status.Stdout.Split('\n').SkipWhile(l => !l.StartsWith("silo  ", StringComparison.Ordinal)).Skip(1)
            .Where(l => l.Length > 0).Select(StatusOutput.Cells).ToArray();
        return lines is [{ Length: 7 } line] && line[4] == "2" ? line : null;
    }
}
