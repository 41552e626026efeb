using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// What every <see cref="ILedger"/> adapter must do, written once: SQLite runs it here, PostgreSQL
/// (issue 6) by deriving another class. Each test gets a fresh, empty store.
/// </summary>
public abstract partial class LedgerContract
{
    protected ManualClock Clock { get; } = new();

    /// <summary>Opens a new instance (its own connections) on this test's store, migrating it as needed.</summary>
    protected abstract ILedger Open(TimeProvider clock);

    /// <summary>Marks this test's store as written by a program with a newer schema than any known.</summary>
    protected abstract void ForgeNewerSchemaVersion();

    protected ILedger Open() => Open(Clock);

    protected static SweepDefinition Sweep(string id, int points, int replicates, string spec = "name: test") =>
        new(id, spec, Enumerable.Range(0, points).Select(p => new PointDefinition(p, $"lr={p}", replicates)).ToArray());

    [Fact]
    public async Task Opens_an_empty_store_and_reopens_it_without_change()
    {
        await using (var first = Open()) Assert.True(await first.RegisterSweepAsync(Sweep("s", 2, 3)));
        await using (var second = Open()) Assert.Equal(6, (await second.GetSweepStatusAsync("s"))!.Runs.Queued);
        await using var third = Open();
        Assert.Equal(["s"], (await third.ListSweepsAsync()).Select(s => s.Sweep));
    }

    [Fact]
    public async Task Refuses_a_schema_newer_than_it_knows()
    {
        await using (Open()) { }
        ForgeNewerSchemaVersion();

        var error = Assert.ThrowsAny<LedgerSchemaException>(() => Open());
        Assert.Contains("newer program", error.Message);
    }

    [Fact]
    public async Task Registering_the_same_spec_again_changes_nothing()
    {
        await using var ledger = Open();
        Assert.True(await ledger.RegisterSweepAsync(Sweep("s", 2, 3)));
        Assert.False(await ledger.RegisterSweepAsync(Sweep("s", 2, 3)));

        Assert.Equal(new RunCounts(6, 0, 0, 0), (await ledger.GetSweepStatusAsync("s"))!.Runs);
    }

    [Fact]
    public async Task Another_spec_under_the_same_id_is_a_conflict()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 2, 3));

        var error = await Assert.ThrowsAsync<SweepConflictException>(() => ledger.RegisterSweepAsync(Sweep("s", 2, 3, spec: "name: other")));
        Assert.Contains("'s'", error.Message);
    }

    [Fact]
    public async Task A_sweep_with_repeated_points_or_no_replicates_is_refused_and_nothing_is_stored()
    {
        await using var ledger = Open();
        var twice = new SweepDefinition("s", "name: s", [new PointDefinition(0, "a", 2), new PointDefinition(0, "b", 2)]);
        var none = new SweepDefinition("s", "name: s", [new PointDefinition(0, "a", 0)]);

        await Assert.ThrowsAsync<ArgumentException>(() => ledger.RegisterSweepAsync(twice));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.RegisterSweepAsync(none));
        Assert.Empty(await ledger.ListSweepsAsync());
    }

    [Fact]
    public async Task Status_counts_runs_by_state()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 2, 3));
        foreach (var r in new[] { 0, 1, 2 }) await ledger.StartRunAsync(new RunId("s", 0, r), "a");
        await ledger.EndRunAsync(new RunId("s", 0, 0), null);
        await ledger.EndRunAsync(new RunId("s", 0, 1), "diverged");

        var status = (await ledger.GetSweepStatusAsync("s"))!;
        Assert.Equal(new RunCounts(Queued: 3, Running: 1, Completed: 1, Failed: 1), status.Runs);
        Assert.Equal(2, status.Points);
        Assert.False(status.RunsFinished);
        Assert.Null(await ledger.GetSweepStatusAsync("unknown"));
        Assert.Equal([new RunId("s", 0, 2), new RunId("s", 1, 0), new RunId("s", 1, 1), new RunId("s", 1, 2)], await ledger.ListUnfinishedRunsAsync("s"));
    }

    [Fact]
    public async Task Cancel_marks_the_sweep_cancelled_and_registering_it_again_resumes_it()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 3));

        Assert.True(await ledger.CancelSweepAsync("s"));
        Assert.Equal(SweepState.Cancelled, (await ledger.GetSweepStatusAsync("s"))!.State);
        Assert.False(await ledger.CancelSweepAsync("unknown"));

        // Registering the same spec again resumes it, its runs as they were.
        Assert.False(await ledger.RegisterSweepAsync(Sweep("s", 1, 3)));
        Assert.Equal(SweepState.Active, (await ledger.GetSweepStatusAsync("s"))!.State);
        Assert.Equal(3, (await ledger.ListUnfinishedRunsAsync("s")).Count);
    }

    [Fact]
    public async Task Delete_removes_one_sweep_with_its_runs_reports_and_aggregates_and_the_id_can_be_registered_afresh()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 2));
        await ledger.RegisterSweepAsync(Sweep("t", 1, 2));
        foreach (var sweep in new[] { "s", "t" })
        {
            foreach (var r in new[] { 0, 1 })
            {
                await ledger.StartRunAsync(new RunId(sweep, 0, r), "a");
                await ledger.RecordReportsAsync(new RunId(sweep, 0, r), [new(0, $"r{r}")]);
                await ledger.EndRunAsync(new RunId(sweep, 0, r), null);
            }
            await ledger.RecordAggregateAsync(new AggregateId(sweep, 0, 0), "result");
        }

        Assert.True(await ledger.DeleteSweepAsync("s"));

        Assert.Null(await ledger.GetSweepStatusAsync("s"));
        Assert.Equal(["t"], (await ledger.ListSweepsAsync()).Select(s => s.Sweep));
        Assert.Equal(["r0", "r1"], (await ledger.ReadReportsAsync(new AggregateId("t", 0, 0))).Select(r => r.Payload));
        Assert.Equal("result", await ledger.ReadAggregateResultAsync(new AggregateId("t", 0, 0)));
        Assert.False(await ledger.DeleteSweepAsync("s"));
        // Registered again (another spec, even), the id starts from nothing.
        Assert.True(await ledger.RegisterSweepAsync(Sweep("s", 1, 3, "name: other")));
        Assert.Equal(new RunCounts(Queued: 3, Running: 0, Completed: 0, Failed: 0), (await ledger.GetSweepStatusAsync("s"))!.Runs);
        Assert.Empty(await ledger.ReadReportsAsync(new AggregateId("s", 0, 0)));
        Assert.Null(await ledger.ReadAggregateResultAsync(new AggregateId("s", 0, 0)));
    }
}
