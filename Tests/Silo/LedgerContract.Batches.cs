using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// Reports sent together (a run's steps finished since its last report), exactly once per (run, step): runs are
/// deterministic, so a report sent again (a retried call, a resumed or stale activation) carries the same bytes.
/// </summary>
public abstract partial class LedgerContract
{
    [Fact]
    public async Task A_batch_of_reports_records_each_step_once_and_readies_the_aggregates_it_completes()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 2));
        var (r0, r1) = (new RunId("s", 0, 0), new RunId("s", 0, 1));

        Assert.Empty(await ledger.RecordReportsAsync(r0, [new(0, "r0 s0"), new(10, "r0 s10")]));
        Assert.Equal(0, (await ledger.GetSweepStatusAsync("s"))!.Aggregates.Ready);
        // An identical repeat of a step changes nothing; the new step in the same batch is recorded.
        Assert.Equal([new AggregateId("s", 0, 0)], await ledger.RecordReportsAsync(r1, [new(0, "r1 s0")]));
        Assert.Equal([new AggregateId("s", 0, 10)], await ledger.RecordReportsAsync(r1, [new(0, "r1 s0"), new(10, "r1 s10")]));

        Assert.Equal(2, (await ledger.GetSweepStatusAsync("s"))!.Aggregates.Ready);
        Assert.Equal(["r0 s0", "r1 s0"], (await ledger.ReadReportsAsync(new AggregateId("s", 0, 0))).Select(r => r.Payload));
        Assert.Equal(["r0 s10", "r1 s10"], (await ledger.ReadReportsAsync(new AggregateId("s", 0, 10))).Select(r => r.Payload));
    }

    [Fact]
    public async Task A_repeat_with_other_bytes_is_a_conflict_and_its_batch_records_nothing()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var run = new RunId("s", 0, 0);
        await ledger.RecordReportsAsync(run, [new(5, "first")]);

        var error = await Assert.ThrowsAsync<ReportConflictException>(() => ledger.RecordReportsAsync(run, [new(6, "next"), new(5, "other")]));

        Assert.Contains("s/p0000/r000", error.Message, StringComparison.Ordinal);
        Assert.Equal([new StepReport(0, 5, "first")], await ledger.ReadReportsAsync(new AggregateId("s", 0, 5)));
        Assert.Empty(await ledger.ReadReportsAsync(new AggregateId("s", 0, 6)));
        Assert.Equal(new AggregateCounts(1, 0), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
    }

    [Fact]
    public async Task Every_start_of_a_run_is_counted()
    {
        // A run is started again after a drain, or elsewhere after its silo died.
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var run = new RunId("s", 0, 0);

        Assert.Equal(1, await ledger.StartRunAsync(run, "a"));
        await ledger.StopRunAsync(run);
        Assert.Equal(2, await ledger.StartRunAsync(run, "a"));
        Assert.Equal(3, await ledger.StartRunAsync(run, "b"));
        Assert.Equal("cuda", DeviceKind.Of("cuda:3"));
        Assert.Equal("cpu", DeviceKind.Of("cpu"));
    }
}
