using System.Net;

namespace OrleansSweeps.Silo.Cluster;

/// <summary>
/// How a cluster silo and the console's client find each other and how fast a dead silo is declared dead. The
/// membership defaults are tuned for fast failover (measured on a 2-core VM: a SIGKILLed silo's grains moved in
/// 0.7–2 s; Orleans' own defaults took 7–16 s, and a SIGSTOPped silo needed the connection liveness check off to be
/// declared dead in 2 s instead of 12).
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>Orleans cluster id: silos and clients of one cluster share it. Default <c>sweeps</c>.</summary>
    public string ClusterId { get; init; } = "sweeps";

    /// <summary>Orleans service id: keys the grain state and reminders, so it outlives cluster restarts. Default <c>sweeps</c>.</summary>
    public string ServiceId { get; init; } = "sweeps";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Client gateway port. Default 30000.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>The address other silos and clients reach this silo at; null: the host's first non-loopback IPv4 address. Default null.</summary>
    public IPAddress? AdvertisedAddress { get; init; }

    /// <summary>How long a probe waits for an answer (<c>ClusterMembershipOptions.ProbeTimeout</c>). Default 1 s.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes after which a silo is suspected (<c>NumMissedProbesLimit</c>). Default 2.</summary>
    public int MissedProbesLimit { get; init; } = 2;

    /// <summary>Suspicions that declare a silo dead (<c>NumVotesForDeathDeclaration</c>). Default 1.</summary>
    public int VotesForDeathDeclaration { get; init; } = 1;

    /// <summary>How often each silo reads the membership table (<c>TableRefreshTimeout</c>). Default 2 s.</summary>
    public TimeSpan TableRefreshTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Orleans' connection liveness check (<c>EnableConnectionLivenessCheck</c>): off by default, because a frozen
    /// (SIGSTOPped) silo's open connections kept it from being declared dead for 12 s.
    /// </summary>
    public bool ConnectionLivenessCheck { get; init; }

    /// <summary>Period of the reminders that bring back a sweep or a run whose silo died. Default 10 s.</summary>
    public TimeSpan ReminderPeriod { get; init; } = TimeSpan.FromSeconds(10);
}
