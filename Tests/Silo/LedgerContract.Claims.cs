using System.Collections.Concurrent;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Claims: how many, which first, and never one run to two owners.</summary>
public abstract partial class LedgerContract
{
    [Fact]
    public async Task A_claim_takes_at_most_max_and_never_a_run_already_held()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 2, 3));

        var a = await ledger.ClaimRunsAsync("a", 4, LeaseDuration);
        var b = await ledger.ClaimRunsAsync("b", 4, LeaseDuration);
        var c = await ledger.ClaimRunsAsync("c", 4, LeaseDuration);

        Assert.Equal(4, a.Count);
        Assert.Equal(2, b.Count);
        Assert.Empty(c);
        Assert.Equal(6, a.Concat(b).Select(x => x.Run).Distinct().Count());
        Assert.All(a.Concat(b), x => Assert.Equal(1, x.Attempt));
        Assert.All(a.Concat(b), x => Assert.Null(x.CheckpointStep));
    }

    [Fact]
    public async Task Claims_keep_the_replicates_of_a_point_on_one_owner()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 3, 3));

        var a1 = await ledger.ClaimRunsAsync("a", 2, LeaseDuration);
        var b1 = await ledger.ClaimRunsAsync("b", 2, LeaseDuration);
        var a2 = await ledger.ClaimRunsAsync("a", 2, LeaseDuration);

        Assert.Equal([new RunId("s", 0, 0), new RunId("s", 0, 1)], a1.Select(x => x.Run));
        // b leaves point 0 to a and starts a point nobody holds.
        Assert.Equal([new RunId("s", 1, 0), new RunId("s", 1, 1)], b1.Select(x => x.Run));
        // a finishes its own point first, then takes the point nobody holds rather than b's.
        Assert.Equal([new RunId("s", 0, 2), new RunId("s", 2, 0)], a2.Select(x => x.Run));
    }

    [Fact]
    public async Task Concurrent_claimers_on_separate_connections_never_claim_a_run_twice()
    {
        const int Points = 10, Replicates = 10;
        await using (var setup = Open()) await setup.RegisterSweepAsync(Sweep("s", Points, Replicates));
        var ledgers = Enumerable.Range(0, 4).Select(_ => Open()).ToArray();
        var claimed = new ConcurrentBag<(string Owner, RunId Run)>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var owner = $"silo-{worker}";
            while (true)
            {
                var claims = await ledgers[worker % ledgers.Length].ClaimRunsAsync(owner, 3, LeaseDuration);
                if (claims.Count == 0) return;
                foreach (var claim in claims) claimed.Add((owner, claim.Run));
            }
        })));
        foreach (var ledger in ledgers) await ledger.DisposeAsync();

        Assert.Equal(Points * Replicates, claimed.Count);
        Assert.Equal(Points * Replicates, claimed.Select(c => c.Run).Distinct().Count());
    }

    [Fact]
    public async Task An_expired_lease_is_reclaimed_with_a_larger_token()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var first = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();

        Assert.Empty(await ledger.ClaimRunsAsync("b", 1, LeaseDuration));
        Clock.Advance(LeaseDuration);
        var second = (await ledger.ClaimRunsAsync("b", 1, LeaseDuration)).Single();

        Assert.Equal(first.Run, second.Run);
        Assert.True(second.Lease.Token > first.Lease.Token);
        Assert.Equal(2, second.Attempt);
        Assert.Equal(Clock.GetUtcNow() + LeaseDuration, second.Lease.ExpiresAt);
    }

    [Fact]
    public async Task A_renewed_lease_is_not_reclaimed()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var held = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();

        Clock.Advance(LeaseDuration / 2);
        Assert.Equal(RenewalOutcome.Renewed, await ledger.RenewAsync(held.Lease, LeaseDuration));
        Clock.Advance(LeaseDuration * 0.9);

        Assert.Empty(await ledger.ClaimRunsAsync("b", 1, LeaseDuration));
    }

    [Fact]
    public async Task Release_queues_the_run_again_and_the_next_claim_resumes_from_its_checkpoint()
    {
        await using var ledger = Open();
        await ledger.RegisterSweepAsync(Sweep("s", 1, 1));
        var first = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();
        Assert.True(await ledger.RecordCheckpointAsync(first.Lease, 40));
        Assert.True(await ledger.ReleaseAsync(first.Lease));
        Assert.Equal(1, (await ledger.GetSweepStatusAsync("s"))!.Runs.Queued);

        var second = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();

        Assert.Equal(40, second.CheckpointStep);
        Assert.True(second.Lease.Token > first.Lease.Token);
        Assert.False(await ledger.CompleteRunAsync(first.Lease));
    }
}
