using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace OrleansSweeps.Silo.Cluster;

/// <summary>
/// Orleans' own view of a silo's health, for its readiness probe: the silo is <see cref="SiloStatus.Active"/> in the
/// membership (not Joining, ShuttingDown, Stopping or Dead), and every <see cref="IHealthCheckParticipant"/> the runtime
/// registers answers healthy (in 10.4.2: the membership agent's I-am-alive timer, the membership table manager's
/// refresh timer and the cluster health monitor): the checks Orleans' own watchdog runs. Orleans 10.4.2 has no
/// Microsoft.Extensions.Diagnostics.HealthChecks integration; these are what it exposes. Readiness only: a liveness
/// restart because PostgreSQL was slow for a while would only add a rejoin to the outage.
/// </summary>
public sealed class OrleansReadiness(ISiloStatusOracle status, IEnumerable<IHealthCheckParticipant> participants, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly IHealthCheckParticipant[] _participants = participants.ToArray();
    private long _lastCheck = (clock ?? TimeProvider.System).GetUtcNow().UtcTicks;

    /// <summary>The readiness of the silo whose services these are.</summary>
    public static OrleansReadiness Of(IServiceProvider silo) =>
        new(silo.GetRequiredService<ISiloStatusOracle>(), silo.GetServices<IHealthCheckParticipant>());

    /// <summary>How many health-check participants the runtime registered (none would make the check vacuous).</summary>
    public int Participants => _participants.Length;

    /// <summary>Null when Orleans reports the silo Active and healthy, else why not.</summary>
    public string? NotReady()
    {
        if (status.CurrentStatus is var current and not SiloStatus.Active) return $"Orleans silo {current}";
        // Each participant is asked whether it kept up since the previous check (the watchdog's contract).
        var now = _clock.GetUtcNow().UtcTicks;
        var since = new DateTime(Interlocked.Exchange(ref _lastCheck, now), DateTimeKind.Utc);
        foreach (var participant in _participants)
        {
            if (!participant.CheckHealth(since, out var reason)) return $"Orleans {participant.GetType().Name}: {reason}";
        }
        return null;
    }
}
