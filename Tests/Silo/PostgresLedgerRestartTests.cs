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
    private static SweepDefinition Sweep(int points, int replicates) =>
        new("s", "name: s", Enumerable.Range(0, points).Select(p => new PointDefinition(p, $"lr={p}", replicates)).ToArray());

    [Fact]
    public async Task A_report_and_a_start_made_while_PostgreSQL_is_down_succeed_once_it_is_back()
    {
        await using var ledger = await PostgresLedger.OpenAsync(server.ConnectionString(server.CreateDatabase()));
        await ledger.RegisterSweepAsync(Sweep(1, 3));
        await ledger.StartRunAsync(new RunId("s", 0, 0), "a");

        server.Stop();
        var report = ledger.RecordReportsAsync(new RunId("s", 0, 0), [new(10, "r0")]);
        var start = ledger.StartRunAsync(new RunId("s", 0, 1), "b");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(report.IsCompleted || start.IsCompleted, "nothing can complete while the server is down");
        server.Start();

        Assert.Empty(await report);
        Assert.Equal(1, await start);
        Assert.True(ledger.Retries > 0);
        Assert.Equal([new StepReport(0, 10, "r0")], await ledger.ReadReportsAsync(new AggregateId("s", 0, 10)));
        Assert.Equal(new RunCounts(1, 2, 0, 0), (await ledger.GetSweepStatusAsync("s"))!.Runs);
    }

    [Fact]
    public async Task Reports_under_way_when_PostgreSQL_crashes_are_each_recorded_exactly_once()
    {
        const int Points = 10, Replicates = 4, MinSteps = 10;
        await using var ledger = await PostgresLedger.OpenAsync(server.ConnectionString(server.CreateDatabase()));
        await ledger.RegisterSweepAsync(Sweep(Points, Replicates));
        var ids = Enumerable.Range(0, Points).SelectMany(p => Enumerable.Range(0, Replicates).Select(r => new RunId("s", p, r))).ToArray();
        var done = 0;
        var restarted = false;
        var underWay = new TaskCompletionSource();

        // Every run reports its steps in order, all runs at once, and keeps going until the server is back:
        // when it is killed, reports are in flight (and some commits may be unacknowledged).
        var runs = ids.Select(run => Task.Run(async () =>
        {
            var steps = 0;
            for (var step = 0; step < MinSteps || !Volatile.Read(ref restarted); step++, steps++)
            {
                await ledger.RecordReportsAsync(run, [new StepPayload(step, $"{run}@{step}")]);
                if (Interlocked.Increment(ref done) == Points * Replicates) underWay.SetResult();
            }
            return (Run: run, Steps: steps);
        })).ToArray();
        await underWay.Task;
        server.Stop("immediate");
        await Task.Delay(TimeSpan.FromSeconds(1));
        server.Start();
        Volatile.Write(ref restarted, true);
        var results = await Task.WhenAll(runs);

        var ready = 0;
        foreach (var point in results.GroupBy(r => r.Run.Point))
        {
            var stepsOf = point.ToDictionary(r => r.Run.Replicate, r => r.Steps);
            for (var step = 0; step < stepsOf.Values.Max(); step++)
            {
                var expected = stepsOf.Where(s => s.Value > step).OrderBy(s => s.Key).Select(s => new StepReport(s.Key, step, $"{new RunId("s", point.Key, s.Key)}@{step}"));
                Assert.Equal(expected, await ledger.ReadReportsAsync(new AggregateId("s", point.Key, step)));
            }
            ready += stepsOf.Values.Min();
        }
        Assert.Equal(new AggregateCounts(ready, 0), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
        Assert.True(ledger.Retries > 0);
    }
}
