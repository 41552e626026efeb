using Orleans;

namespace OrleansSweeps.Contracts.Grains;

/// <summary>
/// A sweep (key: the sweep id). It owns the queue of its runs not yet admitted and admits them as slots free up,
/// so a sweep far larger than the cluster completes and no placement failure reaches a user; it learns of each
/// run's end, has its aggregates computed, and writes the results table when every run and aggregate is done.
/// Every method is idempotent (Orleans may deliver a retried call twice).
/// </summary>
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Starts (or goes on) admitting the sweep's unfinished runs; a finished sweep answers at once.</summary>
    Task<SweepView> Drive();

    /// <summary>Where the sweep stands now (the grain's view; the catalog holds the durable counts).</summary>
    Task<SweepView> View();

    /// <summary>
    /// A run's training is over and its slot free; it is concluding (last report, curves, end) and <see cref="RunEnded"/>
    /// follows. The sweep admits the next run into the slot now rather than after the conclusion's writes.
    /// </summary>
    Task RunTrained(string run);

    /// <summary>A run ended (completed, failed for good, or stopped without ending: drained, fenced off, no slot).</summary>
    Task RunEnded(RunEnd end);

    /// <summary>Stops admitting and drains the sweep's training runs (each checkpoints); a resume continues it.</summary>
    Task Cancel();
}

/// <summary>How a sweep grain sees its sweep.</summary>
[GenerateSerializer, Immutable]
public sealed record SweepView(
    [property: Id(0)] SweepPhase Phase,
    [property: Id(1)] int Queued,
    [property: Id(2)] int Training,
    [property: Id(3)] string? Error = null);

public enum SweepPhase
{
    /// <summary>Runs are queued or training, or aggregates are being computed.</summary>
    Running,

    /// <summary>Every run ended and every aggregate is stored; the results table is written.</summary>
    Finished,

    /// <summary>Cancelled: nothing is admitted until it is driven again.</summary>
    Cancelled,

    /// <summary>Stopped by an error (<see cref="SweepView.Error"/>): a store failed, or a stored record is corrupt.</summary>
    Failed,
}
