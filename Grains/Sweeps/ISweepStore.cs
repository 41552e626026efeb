using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Grains.Sweeps;

/// <summary>A sweep's progress as the ledger counts it.</summary>
public sealed record SweepProgress(int Runs, int RunsCompleted, int RunsFailed, int AggregatesPending, int AggregatesCompleted, bool Cancelled)
{
    public int RunsEnded => RunsCompleted + RunsFailed;

    /// <summary>Every run ended and every aggregate that became ready is computed.</summary>
    public bool Finished => RunsEnded == Runs && AggregatesPending == 0;
}

/// <summary>What the sweep grain reads and writes, adapted by the silo from the ledger and the blob store.</summary>
public interface ISweepStore
{
    /// <summary>The stored spec text, or null when the sweep was never submitted.</summary>
    string? ReadSpec(string sweep);

    /// <summary>Stores the spec text (create-only: an existing spec is never replaced).</summary>
    void WriteSpec(string sweep, string text);

    /// <summary>The numeric engine that computed the sweep (<see cref="Engine.Interop.EngineIdentity"/>), or null when none was stored.</summary>
    string? ReadEngine(string sweep);

    /// <summary>Stores the engine's name beside the spec (create-only).</summary>
    void WriteEngine(string sweep, string engine);

    /// <summary>Registers the sweep's points with all runs queued; registering again reactivates a cancelled sweep.</summary>
    /// <param name="points">Each point's index, grid parameters as text, replicate count and spec device (cpu, cuda, cuda:i).</param>
    void Register(string sweep, string specText, IReadOnlyList<(int Point, string Parameters, int Replicates, string Device)> points);

    SweepProgress? Progress(string sweep);

    /// <summary>The stored result text of a completed aggregate, or null.</summary>
    string? ReadAggregate(AggregateId aggregate);

    void WriteResult(string sweep, string name, string text);
}
