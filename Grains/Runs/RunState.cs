namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// A run's persisted grain state, kept small: checkpoints, curves and vectors are blobs. Written with the storage
/// provider's ETag, so a stale activation's write fails (<c>InconsistentStateException</c>) and it stops.
/// </summary>
[GenerateSerializer]
public sealed class RunState
{
    [Id(0)]
    public RunStatus Status { get; set; }

    /// <summary>Activations that started training, this one included (1: nothing of the run is stored yet).</summary>
    [Id(1)]
    public int Attempt { get; set; }

    /// <summary>Step of the last checkpoint recorded durable (the next activation resumes from it), or null.</summary>
    [Id(2)]
    public int? CheckpointStep { get; set; }

    /// <summary>Blob key of that checkpoint.</summary>
    [Id(3)]
    public string? CheckpointKey { get; set; }

    /// <summary>Why the run failed for good, when <see cref="Status"/> is <see cref="RunStatus.Failed"/>.</summary>
    [Id(4)]
    public string? Failure { get; set; }
}

public enum RunStatus
{
    NotStarted,
    Training,
    Completed,
    Failed,
}
