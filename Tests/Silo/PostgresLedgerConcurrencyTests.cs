using System.Collections.Concurrent;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Many silos on one database at once: claims never overlap, and the M-th report is never missed.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerConcurrencyTests(PostgresServer server)
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(5);

    private static SweepDefinition Sweep(int points, int replicates) =>
        new("s", "name: s", Enumerable.Range(0, points).Select(p => new PointDefinition(p, $"lr={p}", replicates)).ToArray());

    /// <summary>Instances on one new database, each with a small pool, as a silo with a few slots would have (and all fit under max_connections).</summary>
    private async Task<PostgresLedger[]> OpenMany(int count)
    {
        var database = server.CreateDatabase();
        return await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
            PostgresLedger.OpenAsync(server.ConnectionString(database) + ";Maximum Pool Size=4")));
    }

    [Fact]
    public async Task Eight_claimers_on_eight_instances_claim_each_of_500_runs_exactly_once()
    {
        var ledgers = await OpenMany(8);
        await ledgers[0].RegisterSweepAsync(Sweep(100, 5));
        var claimed = new ConcurrentBag<(string Owner, RunId Run)>();

        await Task.WhenAll(ledgers.Select((ledger, worker) => Task.Run(async () =>
        {
            var owner = $"silo-{worker}";
            while (await ledger.ClaimRunsAsync(owner, 4, LeaseDuration) is { Count: > 0 } claims)
                foreach (var claim in claims) claimed.Add((owner, claim.Run));
        })));

        var expected = Enumerable.Range(0, 100).SelectMany(p => Enumerable.Range(0, 5).Select(r => new RunId("s", p, r))).ToHashSet();
        Assert.Equal(500, claimed.Count);
        Assert.True(expected.SetEquals(claimed.Select(c => c.Run)));
        Assert.True(claimed.Select(c => c.Owner).Distinct().Count() > 1, "the claims were spread over more than one claimer");
        Assert.Equal(new RunCounts(0, 500, 0, 0), (await ledgers[0].GetSweepStatusAsync("s"))!.Runs);
        Assert.All(ledgers, l => Assert.Equal(0, l.Retries)); // SKIP LOCKED: no claimer waited on another, none deadlocked
        foreach (var ledger in ledgers) await ledger.DisposeAsync();
    }

    [Fact]
    public async Task Replicates_reporting_at_once_from_separate_instances_make_each_aggregate_ready_exactly_once()
    {
        const int Points = 30, Replicates = 4, Steps = 3;
        var ledgers = await OpenMany(8);
        await ledgers[0].RegisterSweepAsync(Sweep(Points, Replicates));
        var claims = await ledgers[0].ClaimRunsAsync("a", Points * Replicates, LeaseDuration);
        // Every report of one (point, step) is in flight at the same moment, each through another instance.
        var reports = claims.SelectMany(c => Enumerable.Range(0, Steps).Select(step => (c.Lease, Step: step)))
            .OrderBy(r => r.Step).ThenBy(r => r.Lease.Resource.Point).ToArray();

        var outcomes = await Task.WhenAll(reports.Select((r, i) => Task.Run(() =>
            ledgers[i % ledgers.Length].ReportStepAsync(r.Lease, r.Step, $"{r.Lease.Resource}@{r.Step}"))));

        Assert.All(outcomes, o => Assert.Equal(ReportOutcome.Recorded, o));
        Assert.Equal(new AggregateCounts(Points * Steps, 0, 0), (await ledgers[0].GetSweepStatusAsync("s"))!.Aggregates);
        var aggregates = await ledgers[1].ClaimAggregatesAsync("b", 1000, LeaseDuration);
        Assert.Equal(Points * Steps, aggregates.Select(a => a.Aggregate).Distinct().Count());
        Assert.All(aggregates, a => Assert.Equal(Replicates, a.Replicates));
        Assert.All(ledgers, l => Assert.Equal(0, l.Retries)); // no deadlock between reports of one point
        foreach (var ledger in ledgers) await ledger.DisposeAsync();
    }
}
