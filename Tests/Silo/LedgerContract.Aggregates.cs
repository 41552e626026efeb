using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Aggregates become ready with the M-th report, and their result is stored once.</summary>
public abstract partial class LedgerContract
{
    [Fact]
    public async Task An_aggregate_is_ready_after_the_last_replicate_report_only()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 2, 3));
        var aggregate = new AggregateId("s", 1, 10);

        // Replicates report out of order; the aggregate waits for all three.
        Assert.Empty(await ledger.RecordReportsAsync(new RunId("s", 1, 2), [new(10, "r2")]));
        Assert.Empty(await ledger.RecordReportsAsync(new RunId("s", 1, 1), [new(10, "r1")]));
        Assert.Equal(0, (await ledger.GetSweepStatusAsync("s"))!.Aggregates.Ready);
        Assert.Empty(await ledger.ListPendingAggregatesAsync("s"));
        Assert.Equal([aggregate], await ledger.RecordReportsAsync(new RunId("s", 1, 0), [new(10, "r0"), new(20, "r0")]));

        Assert.Equal(new AggregateCounts(1, 0), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
        Assert.Equal([aggregate], await ledger.ListPendingAggregatesAsync("s"));
        Assert.Equal(["r0", "r1", "r2"], (await ledger.ReadReportsAsync(aggregate)).Select(r => r.Payload));
        Assert.Null(await ledger.ReadAggregateResultAsync(aggregate));
        await ledger.RecordAggregateAsync(aggregate, "osgr=1.5");
        Assert.Equal("osgr=1.5", await ledger.ReadAggregateResultAsync(aggregate));
        Assert.Equal(new AggregateCounts(0, 1), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
        Assert.Empty(await ledger.ListPendingAggregatesAsync("s"));
    }

    [Fact]
    public async Task An_aggregate_result_is_stored_once_and_a_different_one_is_a_conflict()
    {
        // Any silo may compute an aggregate, and Orleans may deliver the call twice: the same result again changes nothing.
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var aggregate = new AggregateId("s", 0, 0);
        await ledger.RecordReportsAsync(new RunId("s", 0, 0), [new(0, "r0")]);

        await ledger.RecordAggregateAsync(aggregate, "osgr=1");
        await ledger.RecordAggregateAsync(aggregate, "osgr=1");
        await Assert.ThrowsAsync<AggregateConflictException>(() => ledger.RecordAggregateAsync(aggregate, "osgr=2"));

        Assert.Equal("osgr=1", await ledger.ReadAggregateResultAsync(aggregate));
        Assert.Equal(new AggregateCounts(0, 1), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
    }
}
