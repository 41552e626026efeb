using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// A commit that reached the server but whose acknowledgement was lost: the operation is retried over its own
/// committed work and must change nothing twice (every catalog write is idempotent).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerReplayTests(PostgresServer server)
{
    private readonly ManualClock _clock = new();

    private static SweepDefinition Sweep(int points, int replicates) =>
        new("s", "name: s", Enumerable.Range(0, points).Select(p => new PointDefinition(p, $"lr={p}", replicates)).ToArray());

    private async Task<PostgresLedger> Open() => await PostgresLedger.OpenAsync(server.ConnectionString(server.CreateDatabase()), _clock);

    /// <summary>The next operation's first commit goes through but its acknowledgement is lost.</summary>
    private static void LoseNextAcknowledgement(PostgresLedger ledger)
    {
        var lost = 0;
        ledger.LoseAcknowledgement = () => Interlocked.Exchange(ref lost, 1) == 0;
    }

    [Fact]
    public async Task Run_operations_replayed_over_their_own_commit_change_nothing_twice()
    {
        await using var ledger = await Open();
        LoseNextAcknowledgement(ledger);
        Assert.True(await ledger.RegisterSweepAsync(Sweep(1, 3)));
        var runs = Enumerable.Range(0, 3).Select(r => new RunId("s", 0, r)).ToArray();

        LoseNextAcknowledgement(ledger);
        await ledger.StartRunAsync(runs[0], "a");
        LoseNextAcknowledgement(ledger);
        await ledger.RecordReportsAsync(runs[0], [new(5, "first")]);
        await ledger.RecordReportsAsync(runs[0], [new(5, "first")]);
        LoseNextAcknowledgement(ledger);
        await ledger.EndRunAsync(runs[0], null);
        LoseNextAcknowledgement(ledger);
        await ledger.EndRunAsync(runs[1], "diverged");
        LoseNextAcknowledgement(ledger);
        await ledger.StartRunAsync(runs[2], "a");
        LoseNextAcknowledgement(ledger);
        await ledger.StopRunAsync(runs[2]);

        Assert.Equal(7, ledger.Retries); // one per lost acknowledgement
        Assert.Equal(new RunCounts(1, 0, 1, 1), (await ledger.GetSweepStatusAsync("s"))!.Runs);
        Assert.Equal([new StepReport(0, 5, "first")], await ledger.ReadReportsAsync(new AggregateId("s", 0, 5)));
    }

    [Fact]
    public async Task An_aggregate_result_replayed_over_its_own_commit_is_stored_once()
    {
        await using var ledger = await Open();
        await ledger.RegisterSweepAsync(Sweep(1, 1));
        var aggregate = new AggregateId("s", 0, 0);
        Assert.Equal([aggregate], await ledger.RecordReportsAsync(new RunId("s", 0, 0), [new(0, "r0")]));

        LoseNextAcknowledgement(ledger);
        await ledger.RecordAggregateAsync(aggregate, "osgr=1");

        Assert.Equal(1, ledger.Retries);
        Assert.Equal(new AggregateCounts(0, 1), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
        Assert.Equal("osgr=1", await ledger.ReadAggregateResultAsync(aggregate));
    }
}
