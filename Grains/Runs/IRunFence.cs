namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// The fence a run's activation writes through: every state change (reports, checkpoint records, the end) is
/// accepted only while this activation still owns the run. Under Orleans the owner is the RunGrain activation whose
/// ETag-checked state write succeeded last (<see cref="GrainRunFence"/>); a refused write (a newer activation owns the
/// run) returns <c>false</c> and cancels <see cref="Lost"/>, and the activation stops writing.
/// </summary>
public interface IRunFence
{
    /// <summary>Cancelled once a write was refused: a newer activation owns the run.</summary>
    CancellationToken Lost { get; }

    /// <summary>
    /// Records the reports of several recorded steps at once, each exactly once per (run, step): a repeat is
    /// ignored. False, with nothing recorded, when a newer activation owns the run.
    /// </summary>
    bool ReportSteps(IReadOnlyList<(int Step, string Payload)> reports);

    /// <summary>Records that the checkpoint of <paramref name="step"/> is durable (the next activation resumes from it).</summary>
    bool RecordCheckpoint(int step);

    bool Complete();

    bool Fail(string reason);
}

/// <summary>The run is owned by a newer activation: stop at once and write nothing more (the new owner redoes the work).</summary>
public sealed class FenceLostException(string message) : Exception(message);
