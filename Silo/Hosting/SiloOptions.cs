namespace OrleansSweeps.Silo.Hosting;

/// <summary>How a silo works: its slots, its leases and how often it polls.</summary>
public sealed record SiloOptions
{
    /// <summary>Runs and aggregates executed at once, each on its own thread. Default: the processor count.</summary>
    public int Slots { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Threads computing aggregates, beside the slots (a reduction over the replicates' reports and vectors, on
    /// the CPU whatever the slots' device). Default 1.
    /// </summary>
    public int Aggregators { get; init; } = 1;

    /// <summary>How long a claim or renewal holds work before another silo may take it over. Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Interval of lease renewals and heartbeats (well under <see cref="LeaseDuration"/>). Default 5 s.</summary>
    public TimeSpan RenewEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Silos whose heartbeat is this old are expired by this one (their leases freed, their work queued again);
    /// null: never (an embedded silo holds its home alone). Default null; a cluster silo uses twice the lease.
    /// </summary>
    public TimeSpan? SiloSilence { get; init; }

    /// <summary>Longest wait between claim attempts while nothing finishes. Default 200 ms.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Least wall time between a run's periodic checkpoints (<c>TrainingRun.CheckpointMinInterval</c>). Default 10 s.</summary>
    public TimeSpan CheckpointMinInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// While the runs this silo trains take less than this on average, it keeps one run per slot claimed ahead,
    /// so no slot waits on the ledger between short runs. Longer runs are never claimed ahead: a run waiting
    /// here is one another silo could be training. Zero: never. Default 2 s.
    /// </summary>
    public TimeSpan ClaimAheadBelow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longest wait of a drain (Ctrl-C, SIGTERM) for its runs to checkpoint; then the leases still held are given
    /// back without one and <see cref="SiloHost.RunUntilFinishedAsync"/> / <see cref="SiloHost.ServeAsync"/> throw
    /// <see cref="DrainTimeoutException"/>. Default: no limit.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The kind of device (<c>cpu</c> or <c>cuda</c>) whose runs this silo claims, or null for every run (an
    /// embedded silo, which trains each on <see cref="Device"/> or its spec's device). Default null.
    /// </summary>
    public string? Serves { get; init; }

    /// <summary>Device for every run (cpu, cuda, cuda:i), or null for each spec's own. Default null.</summary>
    public string? Device { get; init; }

    /// <summary>This silo's name in the ledger (lease owner). Default: host name, process id and a random suffix.</summary>
    public string SiloId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}
