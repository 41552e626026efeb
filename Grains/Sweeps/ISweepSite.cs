using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Grains.Sweeps;

/// <summary>What a <see cref="SweepGrain"/> needs of its silo: the catalog, the cluster's slots, the results table.</summary>
public interface ISweepSite
{
    /// <summary>The submitted spec (read from the blob store).</summary>
    Task<SweepSpec> SpecAsync(string sweep);

    Task<IReadOnlyList<RunId>> UnfinishedRunsAsync(string sweep);

    Task<IReadOnlyList<AggregateId>> PendingAggregatesAsync(string sweep);

    /// <summary>Whether the catalog says the sweep was cancelled (by this grain, or by a console on the stores).</summary>
    Task<bool> IsCancelledAsync(string sweep);

    Task CancelAsync(string sweep);

    /// <summary>The cluster's active silos serving <paramref name="deviceKind"/> (<c>SiloAddress.ToParsableString()</c>) and their slots.</summary>
    IReadOnlyDictionary<string, int> Silos(string deviceKind);

    /// <summary>Writes the results table of a sweep whose runs and aggregates are all done.</summary>
    Task FinishAsync(string sweep, SweepSpec spec);

    /// <summary>Period of the reminder that brings a running sweep's grain back after its silo died; null: none (embedded).</summary>
    TimeSpan? ReminderPeriod { get; }

    /// <summary>How often the grain admits, looks for runs whose silo died and for a cancel from outside.</summary>
    TimeSpan Tick { get; }

    /// <summary>Told on every change of phase (an embedded console waits on it).</summary>
    void PhaseChanged(string sweep, SweepView view);
}
