using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Restart tests stop their server: they get one of their own, so other PostgreSQL tests run on meanwhile.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresRestartCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL restarts";
}

/// <summary>PostgreSQL stops and comes back while operations are under way: they are retried and take effect once.</summary>
[Collection(PostgresRestartCollection.Name)]
public sealed class PostgresLedgerRestartTests(PostgresServer server)
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(5);

    private static SweepDefinition Sweep(int points, int replicates) =>
        new("s", "name: s", Enumerable.Range(0, points).Select(p => new PointDefinition(p, $"lr={p}", replicates)).ToArray());

    [Fact]
    public async Task A_report_and_a_claim_made_while_PostgreSQL_is_down_succeed_once_it_is_back()
    {
        await using var ledger = await PostgresLedger.OpenAsync(server.ConnectionString(server.CreateDatabase()));
        await ledger.RegisterSweepAsync(Sweep(1, 3));
        var held = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();

        server.Stop();
        var report = ledger.ReportStepAsync(held.Lease, 10, "r0");
        var claim = ledger.ClaimRunsAsync("b", 1, LeaseDuration);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(report.IsCompleted || claim.IsCompleted, "nothing can complete while the server is down");
        server.Start();

        Assert.Equal(ReportOutcome.Recorded, await report);
        var taken = Assert.Single(await claim);
        Assert.NotEqual(held.Run, taken.Run);
        Assert.True(ledger.Retries > 0);
        Assert.Equal([new StepReport(0, 10, "r0")], await ledger.ReadReportsAsync(new AggregateId("s", 0, 10)));
        Assert.Equal(new RunCounts(1, 2, 0, 0), (await ledger.GetSweepStatusAsync("s"))!.Runs);
    }

    [Fact]
    public async Task Reports_under_way_when_PostgreSQL_crashes_are_each_recorded_exactly_once()
    {
        const int Points = 10, Replicates = 4, Steps = 25;
        await using var ledger = await PostgresLedger.OpenAsync(server.ConnectionString(server.CreateDatabase()));
        await ledger.RegisterSweepAsync(Sweep(Points, Replicates));
        var claims = await ledger.ClaimRunsAsync("a", Points * Replicates, LeaseDuration);
        var done = 0;
        var quarterDone = new TaskCompletionSource();

        // Each run reports its steps in order, all runs at once; the server is killed a fifth of the way through.
        var runs = claims.Select(c => Task.Run(async () =>
        {
            var outcomes = new List<ReportOutcome>();
            for (var step = 0; step < Steps; step++)
            {
                outcomes.Add(await ledger.ReportStepAsync(c.Lease, step, $"{c.Run}@{step}"));
                if (Interlocked.Increment(ref done) == Points * Replicates * Steps / 5) quarterDone.SetResult();
            }
            return outcomes;
        })).ToArray();
        await quarterDone.Task;
        server.Stop("immediate");
        await Task.Delay(TimeSpan.FromSeconds(1));
        server.Start();
        var outcomes = (await Task.WhenAll(runs)).SelectMany(o => o).ToArray();

        Assert.Equal(Points * Replicates * Steps, outcomes.Length);
        Assert.All(outcomes, o => Assert.Equal(ReportOutcome.Recorded, o));
        for (var point = 0; point < Points; point++)
            for (var step = 0; step < Steps; step++)
                Assert.Equal(Enumerable.Range(0, Replicates).Select(r => new StepReport(r, step, $"{new RunId("s", point, r)}@{step}")),
                    await ledger.ReadReportsAsync(new AggregateId("s", point, step)));
        Assert.Equal(new AggregateCounts(Points * Steps, 0, 0), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
        Assert.True(ledger.Retries > 0);
    }
}
