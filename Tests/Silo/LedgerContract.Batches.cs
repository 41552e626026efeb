using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Reports sent together (a run's steps finished since its last report), and what a claim says about earlier activations.</summary>
public abstract partial class LedgerContract
{
    [Fact]
    public async Task A_batch_of_reports_records_each_step_once_and_readies_the_aggregates_it_completes()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 2));
        var runs = await ledger.ClaimRunsAsync("a", 2, LeaseDuration);

        Assert.True(await ledger.ReportStepsAsync(runs[0].Lease, [new(0, "r0 s0"), new(10, "r0 s10")]));
        Assert.Equal(0, (await ledger.GetSweepStatusAsync("s"))!.Aggregates.Ready);
        // A repeat of a step keeps the first payload; the new step in the same batch is recorded.
        Assert.True(await ledger.ReportStepsAsync(runs[1].Lease, [new(0, "r1 s0")]));
        Assert.True(await ledger.ReportStepsAsync(runs[1].Lease, [new(0, "r1 s0 again"), new(10, "r1 s10")]));

        Assert.Equal(2, (await ledger.GetSweepStatusAsync("s"))!.Aggregates.Ready);
        Assert.Equal(["r0 s0", "r1 s0"], (await ledger.ReadReportsAsync(new AggregateId("s", 0, 0))).Select(r => r.Payload));
        Assert.Equal(["r0 s10", "r1 s10"], (await ledger.ReadReportsAsync(new AggregateId("s", 0, 10))).Select(r => r.Payload));
    }

    [Fact]
    public async Task A_stale_holders_batch_is_refused_whole()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var stale = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();
        Clock.Advance(LeaseDuration);
        var current = (await ledger.ClaimRunsAsync("b", 1, LeaseDuration)).Single();

        Assert.False(await ledger.ReportStepsAsync(stale.Lease, [new(0, "stale"), new(10, "stale")]));
        Assert.Equal(0, (await ledger.GetSweepStatusAsync("s"))!.Aggregates.Ready);
        Assert.True(await ledger.ReportStepsAsync(current.Lease, [new(0, "current")]));
        Assert.Equal(["current"], (await ledger.ReadReportsAsync(new AggregateId("s", 0, 0))).Select(r => r.Payload));
    }

    [Fact]
    public async Task Attempt_one_is_a_runs_first_claim_and_every_later_claim_counts()
    {
        // Silos skip looking for stored checkpoints and outcomes when the attempt is 1.
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var first = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();
        Assert.True(await ledger.ReleaseAsync(first.Lease));
        var second = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();
        Clock.Advance(LeaseDuration);
        var third = (await ledger.ClaimRunsAsync("b", 1, LeaseDuration)).Single();

        Assert.Equal([1, 2, 3], new[] { first.Attempt, second.Attempt, third.Attempt });
    }

    [Fact]
    public async Task A_silo_serving_one_device_kind_claims_only_the_runs_that_need_it()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(new SweepDefinition("s", "name: s",
            [new PointDefinition(0, "cpu point", 2, DeviceKind.Cpu), new PointDefinition(1, "gpu point", 2, DeviceKind.Cuda)]));

        var gpu = await ledger.ClaimRunsAsync("gpu", 5, LeaseDuration, DeviceKind.Cuda);
        var cpu = await ledger.ClaimRunsAsync("cpu", 5, LeaseDuration, DeviceKind.Cpu);

        Assert.Equal([1, 1], gpu.Select(c => c.Run.Point));
        Assert.Equal([0, 0], cpu.Select(c => c.Run.Point));
        Assert.Empty(await ledger.ClaimRunsAsync("any", 5, LeaseDuration, null));
        Assert.Equal("cuda", DeviceKind.Of("cuda:3"));
        Assert.Equal("cpu", DeviceKind.Of("cpu"));
    }
}
