using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Aggregates become ready with the M-th report and are leased like runs.</summary>
public abstract partial class LedgerContract
{
    [Fact]
    public async Task An_aggregate_is_ready_after_the_last_replicate_report_only()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 2, 3));
        var runs = (await ledger.ClaimRunsAsync("a", 6, LeaseDuration)).Where(c => c.Run.Point == 1).ToArray();

        // Replicates report out of order; the aggregate waits for all three.
        foreach (var run in runs.Reverse().Take(2)) await ledger.ReportStepAsync(run.Lease, 10, $"r{run.Run.Replicate}");
        Assert.Equal(0, (await ledger.GetSweepStatusAsync("s"))!.Aggregates.Ready);
        Assert.Empty(await ledger.ClaimAggregatesAsync("a", 5, LeaseDuration));
        await ledger.ReportStepAsync(runs[0].Lease, 10, "r0");
        await ledger.ReportStepAsync(runs[0].Lease, 20, "r0");

        Assert.Equal(new AggregateCounts(1, 0, 0), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
        var claim = (await ledger.ClaimAggregatesAsync("a", 5, LeaseDuration)).Single();
        Assert.Equal(new AggregateId("s", 1, 10), claim.Aggregate);
        Assert.Equal(3, claim.Replicates);
        Assert.Equal(["r0", "r1", "r2"], (await ledger.ReadReportsAsync(claim.Aggregate)).Select(r => r.Payload));
        Assert.Null(await ledger.ReadAggregateResultAsync(claim.Aggregate));
        Assert.True(await ledger.CompleteAggregateAsync(claim.Lease, "osgr=1.5"));
        Assert.Equal("osgr=1.5", await ledger.ReadAggregateResultAsync(claim.Aggregate));
        Assert.Equal(new AggregateCounts(0, 0, 1), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
    }

    [Fact]
    public async Task Aggregate_leases_are_fenced_like_run_leases()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var run = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();
        await ledger.ReportStepAsync(run.Lease, 0, "r0");
        var stale = (await ledger.ClaimAggregatesAsync("a", 1, LeaseDuration)).Single();
        Clock.Advance(LeaseDuration);
        var current = (await ledger.ClaimAggregatesAsync("b", 1, LeaseDuration)).Single();

        Assert.True(current.Lease.Token > stale.Lease.Token);
        Assert.False(await ledger.CompleteAggregateAsync(stale.Lease, "stale"));
        Assert.True(await ledger.CompleteAggregateAsync(current.Lease, "current"));
        Assert.Equal("current", await ledger.ReadAggregateResultAsync(current.Aggregate));
        Assert.Empty(await ledger.ClaimAggregatesAsync("c", 1, LeaseDuration));
    }

    [Fact]
    public async Task A_silent_silo_expires_and_its_work_goes_to_others()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 2, 2));
        await ledger.HeartbeatAsync("a", 2);
        await ledger.HeartbeatAsync("b", 2);
        var lost = await ledger.ClaimRunsAsync("a", 2, LeaseDuration);
        await ledger.ClaimRunsAsync("b", 1, LeaseDuration);

        Clock.Advance(TimeSpan.FromSeconds(30));
        await ledger.HeartbeatAsync("b", 2);
        Assert.Equal(["a"], await ledger.ExpireSilentSilosAsync(TimeSpan.FromSeconds(20)));
        Assert.Empty(await ledger.ExpireSilentSilosAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal(new RunCounts(3, 1, 0, 0), (await ledger.GetSweepStatusAsync("s"))!.Runs);
        Assert.Equal([SiloState.Expired, SiloState.Alive], (await ledger.ListSilosAsync()).Select(s => s.State));
        Assert.False(await ledger.CompleteRunAsync(lost[0].Lease));
        var taken = await ledger.ClaimRunsAsync("c", 4, LeaseDuration);
        Assert.Superset(lost.Select(l => l.Run).ToHashSet(), taken.Select(t => t.Run).ToHashSet());

        // A heartbeat brings the silo back, but not its leases.
        await ledger.HeartbeatAsync("a", 2);
        Assert.Equal(SiloState.Alive, (await ledger.ListSilosAsync())[0].State);
        Assert.Equal(ReportOutcome.Rejected, await ledger.ReportStepAsync(lost[1].Lease, 1, "late"));
    }

    [Fact]
    public async Task A_silo_that_leaves_is_expired_at_once_and_its_work_goes_to_others()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 3));
        await ledger.HeartbeatAsync("a", 2);
        await ledger.HeartbeatAsync("b", 2);
        var held = await ledger.ClaimRunsAsync("a", 1, LeaseDuration);

        Assert.True(await ledger.LeaveAsync("a"));
        Assert.False(await ledger.LeaveAsync("a"));
        Assert.False(await ledger.LeaveAsync("nobody"));

        Assert.Equal([SiloState.Expired, SiloState.Alive], (await ledger.ListSilosAsync()).Select(s => s.State));
        Assert.Equal(new RunCounts(3, 0, 0, 0), (await ledger.GetSweepStatusAsync("s"))!.Runs);
        Assert.False(await ledger.CompleteRunAsync(held[0].Lease));
        Assert.Contains(held[0].Run, (await ledger.ClaimRunsAsync("b", 3, LeaseDuration)).Select(c => c.Run));
    }
}
