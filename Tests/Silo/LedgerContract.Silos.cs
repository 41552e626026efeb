using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Where runs train (<c>runs.silo</c>) and what each silo serves, as <c>sweeps status</c> shows them.</summary>
public abstract partial class LedgerContract
{
    /// <summary>The run's <c>runs.silo</c> as stored, read past the adapter.</summary>
    protected abstract string? StoredSilo(RunId run);

    /// <summary>Writes this test's store as a program knowing up to schema <paramref name="version"/> left it, holding <paramref name="rows"/> (SQL both adapters take).</summary>
    protected abstract void WriteStoreAt(int version, string rows);

    [Fact]
    public async Task A_version_2_store_is_migrated_and_its_running_runs_name_no_silo_until_started_again()
    {
        WriteStoreAt(2, """
            INSERT INTO sweeps VALUES ('old', 'x', 'active', 0);
            INSERT INTO points (sweep, point, parameters, replicates) VALUES ('old', 0, 'lr=1', 2);
            INSERT INTO runs (sweep, point, replicate, state, attempts) VALUES ('old', 0, 0, 'running', 1), ('old', 0, 1, 'queued', 0);
            """);
        await using var ledger = Open();
        Assert.Equal([new RunningRun(new RunId("old", 0, 0), null)], await ledger.ListRunningAsync());
        Assert.Equal(2, await ledger.StartRunAsync(new RunId("old", 0, 0), "a"));
        Assert.Equal([new RunningRun(new RunId("old", 0, 0), "a")], await ledger.ListRunningAsync());
        Assert.Empty(await ledger.ListSiloSlotsAsync());
    }

    [Fact]
    public async Task A_started_run_names_its_silo_until_it_stops_ends_or_is_queued_again()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 5));
        var runs = Enumerable.Range(0, 5).Select(r => new RunId("s", 0, r)).ToArray();
        foreach (var (run, silo) in runs.Zip(new[] { "a", "a", "b", "b", "b" })) Assert.Equal(1, await ledger.StartRunAsync(run, silo));
        // Started again elsewhere (its silo died): the catalog names the new one.
        Assert.Equal(2, await ledger.StartRunAsync(runs[4], "c"));
        Assert.Equal([(runs[0], "a"), (runs[1], "a"), (runs[2], "b"), (runs[3], "b"), (runs[4], "c")],
            (await ledger.ListRunningAsync()).Select(r => (r.Run, r.Silo!)));

        await ledger.StopRunAsync(runs[0]);
        await ledger.EndRunAsync(runs[1], null);
        await ledger.EndRunAsync(runs[2], "diverged");
        Assert.Equal([runs[3], runs[4]], (await ledger.ListRunningAsync()).Select(r => r.Run));
        Assert.Equal(2, await ledger.RequeueRunningAsync());

        Assert.Empty(await ledger.ListRunningAsync());
        Assert.All(runs, run => Assert.Null(StoredSilo(run)));
        // A start that comes after the run ended (a retried call) names no silo: an ended run trains nowhere.
        await ledger.StartRunAsync(runs[1], "late");
        Assert.Null(StoredSilo(runs[1]));
        Assert.Equal(new RunCounts(3, 0, 1, 1), (await ledger.GetSweepStatusAsync("s"))!.Runs);
    }

    [Fact]
    public async Task A_silo_starting_again_replaces_what_it_recorded_with_the_ledger_clock()
    {
        await using var ledger = Open();
        var first = Clock.GetUtcNow();
        await ledger.RecordSiloAsync("b", 1, "cuda:0");
        await ledger.RecordSiloAsync("a", 2, "cpu");
        Clock.Advance(TimeSpan.FromMinutes(5));
        await ledger.RecordSiloAsync("a", 4, "cpu");

        Assert.Equal([new SiloSlots("a", 4, "cpu", first + TimeSpan.FromMinutes(5)), new SiloSlots("b", 1, "cuda:0", first)],
            await ledger.ListSiloSlotsAsync());
    }
}
