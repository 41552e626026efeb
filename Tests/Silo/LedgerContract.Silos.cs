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

    /// <summary>The columns of <paramref name="table"/> as stored, read past the adapter; empty when there is no such table.</summary>
    protected abstract IReadOnlyList<string> StoredColumns(string table);

    /// <summary>An insert of one report into a store at schema version 3 (PostgreSQL's then had the lease's token).</summary>
    protected abstract string ReportAtVersion3(int replicate, int step, string payload);

    [Fact]
    public async Task A_version_3_store_of_the_pre_Orleans_host_opens_with_its_sweeps_runs_reports_and_aggregates_intact()
    {
        // A home or cluster ledger last written by the pre-Orleans host: a run completed, one held by a lease (its
        // checkpoint recorded), their reports, one aggregate completed and one claimed, a silo's heartbeat.
        WriteStoreAt(3, $"""
            INSERT INTO sweeps VALUES ('old', 'x', 'active', 0);
            INSERT INTO points (sweep, point, parameters, replicates) VALUES ('old', 0, 'lr=1', 2);
            INSERT INTO runs (sweep, point, replicate, state, attempts, checkpoint_step, finished_at)
              VALUES ('old', 0, 0, 'completed', 1, 20, 9), ('old', 0, 1, 'running', 2, 10, NULL);
            {ReportAtVersion3(0, 0, "r0 s0")} {ReportAtVersion3(1, 0, "r1 s0")} {ReportAtVersion3(0, 10, "r0 s10")} {ReportAtVersion3(1, 10, "r1 s10")}
            INSERT INTO aggregates (sweep, point, step, state, result, ready_at, completed_at)
              VALUES ('old', 0, 0, 'completed', 'osgr=1', 1, 2), ('old', 0, 10, 'running', NULL, 3, NULL);
            INSERT INTO leases VALUES ('old', 'run', 0, 1, 'silo-a', 4, 99), ('old', 'aggregate', 0, 10, 'silo-a', 1, 99);
            INSERT INTO silos VALUES ('silo-a', 2, 'alive', 0, 5);
            """);
        await using var ledger = Open();

        Assert.Empty(StoredColumns("leases"));
        Assert.Empty(StoredColumns("silos"));
        Assert.DoesNotContain("checkpoint_step", StoredColumns("runs"));
        var status = (await ledger.GetSweepStatusAsync("old"))!;
        Assert.Equal(new RunCounts(0, 1, 1, 0), status.Runs);
        // The claimed aggregate has its reports and no result: it is ready to be computed again.
        Assert.Equal(new AggregateCounts(1, 1), status.Aggregates);
        Assert.Equal([new AggregateId("old", 0, 10)], await ledger.ListPendingAggregatesAsync("old"));
        Assert.Equal("osgr=1", await ledger.ReadAggregateResultAsync(new AggregateId("old", 0, 0)));
        Assert.Equal(["r0 s10", "r1 s10"], (await ledger.ReadReportsAsync(new AggregateId("old", 0, 10))).Select(r => r.Payload));
        Assert.Equal([new RunningRun(new RunId("old", 0, 1), null)], await ledger.ListRunningAsync());
        Assert.Equal([new RunId("old", 0, 1)], await ledger.ListUnfinishedRunsAsync("old"));

        // The catalog goes on from there.
        Assert.Equal(3, await ledger.StartRunAsync(new RunId("old", 0, 1), "b"));
        Assert.Empty(await ledger.RecordReportsAsync(new RunId("old", 0, 1), [new(10, "r1 s10"), new(20, "r1 s20")]));
        await ledger.RecordAggregateAsync(new AggregateId("old", 0, 10), "osgr=2");
        await ledger.EndRunAsync(new RunId("old", 0, 1), null);
        Assert.Equal(new SweepStatus("old", "x", SweepState.Active, 1, DateTimeOffset.UnixEpoch, new RunCounts(0, 0, 2, 0), new AggregateCounts(0, 2)),
            await ledger.GetSweepStatusAsync("old"));
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
