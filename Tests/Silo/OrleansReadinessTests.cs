using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// A real silo's readiness as Orleans sees it: ready while Active with every health-check participant healthy, not
/// ready once it stops or when a participant falls behind; and <see cref="SiloHealth"/> reports that before the ledger.
/// </summary>
public sealed class OrleansReadinessTests
{
    [Fact]
    public async Task An_active_silo_is_ready_and_a_stopped_one_is_not()
    {
        await using var silo = await LocalSilo.StartLocalhostAsync(_ => { });
        var readiness = OrleansReadiness.Of(silo.Services);
        Assert.True(readiness.Participants > 0, "the runtime registered no IHealthCheckParticipant: the check would say nothing");
        Assert.Null(readiness.NotReady());

        await silo.StopAsync();
        Assert.StartsWith("Orleans silo ", readiness.NotReady());
        Assert.DoesNotContain("Active", readiness.NotReady());
    }

    [Fact]
    public async Task A_participant_that_fell_behind_makes_the_silo_unready_and_is_asked_since_the_previous_check()
    {
        await using var silo = await LocalSilo.StartLocalhostAsync(_ => { });
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var stalled = new Stalled();
        var readiness = new OrleansReadiness(silo.Services.GetRequiredService<ISiloStatusOracle>(), [stalled], clock);
        var first = clock.GetUtcNow().UtcDateTime;
        Assert.Equal("Orleans Stalled: timer 12 s late", readiness.NotReady());
        clock.Advance(TimeSpan.FromSeconds(5));
        readiness.NotReady();
        Assert.Equal([first, first], stalled.AskedSince);

        stalled.Healthy = true;
        Assert.Null(readiness.NotReady());
        Assert.Equal(first.AddSeconds(5), stalled.AskedSince[^1]);
    }

    [Fact]
    public void Silo_health_reports_the_runtime_after_the_drain_and_before_the_ledger()
    {
        var health = new SiloHealth(new ManualClock());
        string? runtime = "Orleans silo Joining";
        health.AlsoReadyWhen(() => runtime);
        Assert.Equal("Orleans silo Joining", health.NotReady());
        runtime = null;
        Assert.Equal("ledger not reached yet", health.NotReady());
        health.LedgerAnswered();
        Assert.Null(health.NotReady());
        runtime = "Orleans silo ShuttingDown";
        Assert.Equal("Orleans silo ShuttingDown", health.NotReady());
        health.StartedDraining();
        Assert.Equal("draining", health.NotReady());
    }

    private sealed class Stalled : IHealthCheckParticipant
    {
        public bool Healthy { get; set; }

        public List<DateTime> AskedSince { get; } = [];

        public bool CheckHealth(DateTime lastCheckTime, out string reason)
        {
            AskedSince.Add(lastCheckTime);
            reason = Healthy ? "" : "timer 12 s late";
            return Healthy;
        }
    }
}
