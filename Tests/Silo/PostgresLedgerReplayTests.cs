using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Ledger.Postgres;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// A commit that reached the server but whose acknowledgement was lost: the operation is retried over its own
/// committed work and must answer as the first attempt would have, changing nothing twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerReplayTests(PostgresServer server)
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(1);
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
    public async Task Run_operations_answer_as_their_first_attempt_would_have()
    {
        await using var ledger = await Open();
        LoseNextAcknowledgement(ledger);
        Assert.True(await ledger.RegisterSweepAsync(Sweep(1, 3)));
        var claims = await ledger.ClaimRunsAsync("a", 3, LeaseDuration);

        LoseNextAcknowledgement(ledger);
        Assert.Equal(ReportOutcome.Recorded, await ledger.ReportStepAsync(claims[0].Lease, 5, "first"));
        Assert.Equal(ReportOutcome.AlreadyRecorded, await ledger.ReportStepAsync(claims[0].Lease, 5, "repeat"));
        LoseNextAcknowledgement(ledger);
        Assert.True(await ledger.RecordCheckpointAsync(claims[0].Lease, 5));
        LoseNextAcknowledgement(ledger);
        Assert.True(await ledger.CompleteRunAsync(claims[0].Lease));
        Assert.False(await ledger.CompleteRunAsync(claims[0].Lease)); // a second completion, not a replay, is refused
        LoseNextAcknowledgement(ledger);
        Assert.True(await ledger.FailRunAsync(claims[1].Lease, "diverged"));
        LoseNextAcknowledgement(ledger);
        Assert.Equal(RenewalOutcome.Renewed, await ledger.RenewAsync(claims[2].Lease, LeaseDuration));
        LoseNextAcknowledgement(ledger);
        Assert.True(await ledger.ReleaseAsync(claims[2].Lease));

        Assert.Equal(7, ledger.Retries); // one per lost acknowledgement
        Assert.Equal(new RunCounts(1, 0, 1, 1), (await ledger.GetSweepStatusAsync("s"))!.Runs);
        Assert.Equal([new StepReport(0, 5, "first")], await ledger.ReadReportsAsync(new AggregateId("s", 0, 5)));
    }

    [Fact]
    public async Task An_aggregate_completion_answers_as_its_first_attempt_would_have()
    {
        await using var ledger = await Open();
        await ledger.RegisterSweepAsync(Sweep(1, 1));
        var run = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();
        LoseNextAcknowledgement(ledger);
        Assert.Equal(ReportOutcome.Recorded, await ledger.ReportStepAsync(run.Lease, 0, "r0"));
        var aggregate = (await ledger.ClaimAggregatesAsync("a", 5, LeaseDuration)).Single();

        LoseNextAcknowledgement(ledger);
        Assert.True(await ledger.CompleteAggregateAsync(aggregate.Lease, "osgr=1"));

        Assert.Equal(new AggregateCounts(0, 0, 1), (await ledger.GetSweepStatusAsync("s"))!.Aggregates);
        Assert.Equal("osgr=1", await ledger.ReadAggregateResultAsync(aggregate.Aggregate));
    }

    [Fact]
    public async Task A_claim_whose_answer_was_lost_leaves_a_lease_that_expires()
    {
        await using var ledger = await Open();
        await ledger.RegisterSweepAsync(Sweep(1, 1));

        LoseNextAcknowledgement(ledger);
        Assert.Empty(await ledger.ClaimRunsAsync("a", 1, LeaseDuration)); // the retry finds the run taken, by the lost first try
        _clock.Advance(LeaseDuration);
        var claim = (await ledger.ClaimRunsAsync("a", 1, LeaseDuration)).Single();

        Assert.Equal(2, claim.Attempt);
        Assert.Equal(2, claim.Lease.Token);
    }
}
