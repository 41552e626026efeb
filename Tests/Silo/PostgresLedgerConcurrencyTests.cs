using System.Collections.Concurrent;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Many silos on one database at once: the M-th report of a (point, step) is never missed nor counted twice.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerConcurrencyTests(PostgresServer server)
{
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
    public async Task Replicates_reporting_at_once_from_separate_instances_make_each_aggregate_ready_exactly_once()
    {
        const int Points = 30, Replicates = 4, Steps = 3;
        var ledgers = await OpenMany(8);
        await ledgers[0].RegisterSweepAsync(Sweep(Points, Replicates));
        var runs = Enumerable.Range(0, Points).SelectMany(p => Enumerable.Range(0, Replicates).Select(r => new RunId("s", p, r))).ToArray();
        // Every report of one (point, step) is in flight at the same moment, each through another instance.
        var reports = runs.SelectMany(run => Enumerable.Range(0, Steps).Select(step => (Run: run, Step: step)))
            .OrderBy(r => r.Step).ThenBy(r => r.Run.Point).ToArray();

        var readied = await Task.WhenAll(reports.Select((r, i) => Task.Run(() =>
            ledgers[i % ledgers.Length].RecordReportsAsync(r.Run, [new StepPayload(r.Step, $"{r.Run}@{r.Step}")]))));

        // Each aggregate was made ready by exactly one of its M reports (the one its grain is then told of).
        var ready = readied.SelectMany(a => a).ToArray();
        Assert.Equal(Points * Steps, ready.Length);
        Assert.Equal(Points * Steps, ready.Distinct().Count());
        Assert.Equal(new AggregateCounts(Points * Steps, 0), (await ledgers[0].GetSweepStatusAsync("s"))!.Aggregates);
        Assert.All(ready, a => Assert.Equal(Replicates, ledgers[1].ReadReportsAsync(a).Result.Count));
        Assert.All(ledgers, l => Assert.Equal(0, l.Retries)); // no deadlock between reports of one point
        foreach (var ledger in ledgers) await ledger.DisposeAsync();
    }
}
