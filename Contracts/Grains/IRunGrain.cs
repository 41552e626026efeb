using Orleans;

namespace OrleansSweeps.Contracts.Grains;

/// <summary>
/// One training run (key: <c>sweep/pNNNN/rNNN</c>, <see cref="Identity.RunId"/>). Placed only on a silo serving
/// its device, with a free slot; it trains on a thread of that slot, never on the grain scheduler, checkpoints to
/// blobs, and resumes from its last checkpoint after any interruption. Its persisted state is small (status,
/// attempt, last checkpoint step, failure) and written with the storage's ETag, so a stale activation is fenced off.
/// </summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Starts training here, or says why not; starting a run that trains or ended changes nothing.</summary>
    Task<RunStart> Start();

    /// <summary>Stops training after the current update, with a checkpoint; the run stays unfinished.</summary>
    Task Drain();
}

public enum RunAdmission
{
    /// <summary>Training now (started by this call or before).</summary>
    Training,

    /// <summary>The run had ended before (completed or failed); its end was told to the sweep again.</summary>
    Ended,

    /// <summary>This silo's slots were all taken: nothing started, queue it again.</summary>
    NoSlot,

    /// <summary>
    /// Admitted to wait on this silo for its next free slot (its runs are short, so one run per slot may wait there): it
    /// trains the moment a slot frees, with no call in between. Counts as training for the sweep.
    /// </summary>
    Queued,
}

/// <summary>
/// What <see cref="IRunGrain.Start"/> did, on which silo the run's grain lives (<c>SiloAddress.ToParsableString()</c>), and
/// whether that silo lets runs wait for its slots now (<see cref="RunAdmission.Queued"/>): a sweep may then admit up to
/// twice its slots there.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RunStart(
    [property: Id(0)] RunAdmission Admission,
    [property: Id(1)] string Silo,
    [property: Id(2)] bool Queues = false);

/// <summary>How a run's activation stopped.</summary>
[GenerateSerializer, Immutable]
public sealed record RunEnd(
    [property: Id(0)] string Run,
    [property: Id(1)] RunEndKind Kind,
    [property: Id(2)] string? Failure = null);

public enum RunEndKind
{
    /// <summary>Trained to the end; curves stored.</summary>
    Completed,

    /// <summary>Failed for good (e.g. diverged); not retried.</summary>
    Failed,

    /// <summary>Stopped without ending (drained, or fenced off by a newer activation): admit it again.</summary>
    Stopped,

    /// <summary>Stopped by an error of the silo (a store that failed, a bug); <see cref="RunEnd.Failure"/> says which.</summary>
    Error,
}
