using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Fencing and exactly-once reports: a holder that was replaced can change nothing.</summary>
public abstract partial class LedgerContract
{
    [Fact]
    public async Task A_replaced_holder_is_rejected_everywhere_and_changes_nothing()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var stale = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single().Lease;
        Clock.Advance(LeaseDuration * 2);
        var current = (await ledger.ClaimRunsAsync("b", 1, LeaseDuration)).Single().Lease;

        Assert.Equal(ReportOutcome.Rejected, await ledger.ReportStepAsync(stale, 10, "stale"));
        Assert.False(await ledger.RecordCheckpointAsync(stale, 10));
        Assert.False(await ledger.CompleteRunAsync(stale));
        Assert.False(await ledger.FailRunAsync(stale, "stale"));
        Assert.False(await ledger.ReleaseAsync(stale));
        Assert.Equal(RenewalOutcome.Lost, await ledger.RenewAsync(stale, LeaseDuration));
        // The same owner name with an old token is no better than another owner.
        Assert.False(await ledger.CompleteRunAsync(current with { Token = current.Token - 1 }));

        Assert.Equal(new RunCounts(0, 1, 0, 0), (await ledger.GetSweepStatusAsync("s"))!.Runs);
        Assert.Empty(await ledger.ReadReportsAsync(new AggregateId("s", 0, 10)));
        Assert.Equal(ReportOutcome.Recorded, await ledger.ReportStepAsync(current, 10, "current"));
        Assert.Equal(RenewalOutcome.Renewed, await ledger.RenewAsync(current, LeaseDuration));
        Assert.True(await ledger.CompleteRunAsync(current));
        Assert.Equal(new RunCounts(0, 0, 1, 0), (await ledger.GetSweepStatusAsync("s"))!.Runs);
    }

    [Fact]
    public async Task An_expired_lease_nobody_reclaimed_is_still_current()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var held = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single().Lease;
        Clock.Advance(LeaseDuration * 3);

        Assert.True(await ledger.CompleteRunAsync(held));
        Assert.Empty(await ledger.ClaimRunsAsync("b", 1, LeaseDuration));
    }

    [Fact]
    public async Task A_step_is_reported_exactly_once_across_repeats_and_attempts()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 2));
        var first = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single().Lease;

        Assert.Equal(ReportOutcome.Recorded, await ledger.ReportStepAsync(first, 5, "first"));
        Assert.Equal(ReportOutcome.AlreadyRecorded, await ledger.ReportStepAsync(first, 5, "repeat"));
        // The run is re-executed elsewhere after a crash: its report of step 5 is not stored twice.
        Clock.Advance(LeaseDuration);
        var second = (await ledger.ClaimRunsAsync("b", 2, LeaseDuration)).Single(c => c.Lease.Resource == first.Resource).Lease;
        Assert.Equal(ReportOutcome.AlreadyRecorded, await ledger.ReportStepAsync(second, 5, "again"));
        Assert.Equal(ReportOutcome.Recorded, await ledger.ReportStepAsync(second, 6, "next"));

        var reports = await ledger.ReadReportsAsync(new AggregateId("s", 0, 5));
        Assert.Equal([new StepReport(0, 5, "first")], reports);
    }

    [Fact]
    public async Task A_lease_of_the_wrong_kind_is_refused()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var run = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single().Lease;

        await Assert.ThrowsAsync<ArgumentException>(() => ledger.CompleteAggregateAsync(run, "x"));
    }
}
