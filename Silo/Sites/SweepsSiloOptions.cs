using OrleansSweeps.Grains.Placement;
using OrleansSweeps.Grains.Runs;

namespace OrleansSweeps.Silo.Sites;

/// <summary>What a silo serves and how its grains work.</summary>
public sealed record SweepsSiloOptions
{
    /// <summary>Runs trained at once, each on a thread of its own. Default: the processor count.</summary>
    public int Slots { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// The device kind whose runs this silo trains (<c>cpu</c>, <c>cuda</c>), advertised as silo metadata, or
    /// <see cref="SlotMetadata.AnyDevice"/> (an embedded silo trains every run). Default: any.
    /// </summary>
    public string Serves { get; init; } = SlotMetadata.AnyDevice;

    /// <summary>Device for every run (cpu, cuda, cuda:i), or null for each spec's own. Default null.</summary>
    public string? Device { get; init; }

    /// <summary>
    /// While this silo's runs held their slot for less than this on average lately, one more run per slot may wait on the
    /// silo for the next free slot, so a slot goes from one short run to the next with no grain call, state write or
    /// thread start in between. Longer runs never wait: a run waiting here is one another silo could be training. Zero:
    /// never. Default 2 s.
    /// </summary>
    public TimeSpan QueueBelow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Least wall time between a run's periodic checkpoints. Default 10 s.</summary>
    public TimeSpan CheckpointMinInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Period of the reminder that wakes a run whose silo died (a cluster); null: none (an embedded silo dies with its
    /// process, and <c>sweeps resume</c> continues). Default null.
    /// </summary>
    public TimeSpan? ReminderPeriod { get; init; }

    /// <summary>How often a sweep grain admits queued runs and looks for runs whose silo died. Default 1 s.</summary>
    public TimeSpan SweepTick { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The silo's name in the cluster (Orleans <c>SiloOptions.SiloName</c>); null: Orleans' default. Default null.</summary>
    public string? Name { get; init; }

    /// <summary>Progress events (console display, telemetry). Default: none.</summary>
    public ISweepObserver? Observer { get; init; }

    /// <summary>Told when stored state is ignored or a run stops unexpectedly. Default: nothing.</summary>
    public Action<string> Warn { get; init; } = _ => { };
}
