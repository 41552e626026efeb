using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger;

/// <summary>A sweep id is already registered with a different spec.</summary>
public sealed class SweepConflictException(string message) : InvalidOperationException(message);

/// <summary>
/// The ledger's schema cannot be used by this program (written by a newer version). An
/// <see cref="IOException"/> (InvalidDataException is sealed), so the console reports it as one line.
/// </summary>
public sealed class LedgerSchemaException(string message) : IOException(message);

/// <summary>
/// A report of a (run, step) arrived again with different bytes. Runs are deterministic, so a repeat (a retried
/// call, a resumed activation) carries the same payload; a different one means two trainings disagree, which
/// must never be stored silently.
/// </summary>
public sealed class ReportConflictException(string message) : InvalidOperationException(message)
{
    public static ReportConflictException For(RunId run, int step) =>
        new($"{run}: a second report of step {step} differs from the stored one (runs are deterministic: two trainings of this run disagree)");
}

/// <summary>An aggregate computed again gave different bytes (a reduction is deterministic, so this is a bug or corrupt input).</summary>
public sealed class AggregateConflictException(string message) : InvalidOperationException(message)
{
    public static AggregateConflictException For(AggregateId aggregate) =>
        new($"{aggregate}: computed again with a different result than the stored one");
}
