namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// A run's lease as the grain sees it: every call is fenced by the lease's token in the ledger, so a holder
/// that was replaced (its lease expired and another silo claimed the run) gets <c>false</c> and changes
/// nothing. The silo adapts the ledger to this port; the grain never sees the ledger itself.
/// </summary>
public interface IRunLease
{
    /// <summary>Cancelled when the silo learns the lease is gone (a renewal found another holder).</summary>
    CancellationToken Lost { get; }

    /// <summary>
    /// Records the reports of several recorded steps at once, each exactly once per (run, step): a repeat is
    /// ignored. False, with nothing recorded, when the lease is lost.
    /// </summary>
    bool ReportSteps(IReadOnlyList<(int Step, string Payload)> reports);

    /// <summary>Records that the checkpoint of <paramref name="step"/> is durable (the next activation resumes from it).</summary>
    bool RecordCheckpoint(int step);

    bool Complete();

    bool Fail(string reason);
}

/// <summary>The lease was lost: stop at once and write nothing more (the new holder redoes the work).</summary>
public sealed class LeaseLostException(string message) : Exception(message);
